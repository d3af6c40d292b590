"""The seed's archival, RAG and custom-tool parts, call for call, with the seed's rule-based model."""

from __future__ import annotations

import json

import pytest

from memvisor.client import Memvisor
from memvisor_scripted_llm import ScriptedLLMServer
from memvisor_scripted_llm.seed_brain import SeedBrain
from memvisor_suite.offline import offline_environment
from memvisor_suite.sample_documents import handbook_pdf
from tests.e2e import seed_tools
from tests.e2e.conftest import SUITE_SERVICES
from tests.suite_harness import SuiteThread


@pytest.fixture
def seed_client(tmp_path, monkeypatch):
    llm = ScriptedLLMServer(SeedBrain()).start()
    for key, value in offline_environment(llm.base_url).items():
        monkeypatch.setenv(key, value)
    suite = SuiteThread(tmp_path / "data", SUITE_SERVICES).start()
    client = Memvisor(target=suite.target, timeout=120)
    yield client
    client.close()
    suite.stop()
    llm.stop()


def _agent(client: Memvisor, human: str, persona: str):
    return client.agents.create(
        memory_blocks=[{"label": "human", "value": human}, {"label": "persona", "value": persona}],
        model="openai/gpt-4o-mini-2024-07-18",
        embedding="openai/text-embedding-3-small",
    )


def test_seed_archival_memory(seed_client: Memvisor):
    client = seed_client
    agent_state = _agent(client, "My name is Shilpa", "You are a helpful assistant and you always use emojis")
    response = client.agents.messages.create(
        agent_id=agent_state.id,
        messages=[
            {
                "role": "user",
                "content": "Save the information that 'shilpa loves machine learning' to archival",
            }
        ],
    )
    call = next(m for m in response.messages if m.message_type == "tool_call_message")
    assert call.tool_call.name == "archival_memory_insert"
    passages = client.agents.passages.list(agent_id=agent_state.id)
    assert [p.text for p in passages] == ["shilpa loves machine learning"]

    client.agents.passages.create(agent_id=agent_state.id, text="Shilpa's loves Hersheys")
    response = client.agents.messages.create(
        agent_id=agent_state.id,
        messages=[{"role": "user", "content": "What chocolates do I like? Search archival."}],
    )
    ret = next(m for m in response.messages if m.message_type == "tool_return_message")
    hits = json.loads(ret.tool_return)["results"]
    assert hits[0]["content"] == "Shilpa's loves Hersheys"
    assert hits[0]["id"].startswith("passage-") and "timestamp" in hits[0] and "tags" in hits[0]
    assert "Hersheys" in response.messages[-1].content
    # The same search the tool used, from the client, with scores.
    found = client.agents.passages.search(agent_id=agent_state.id, query="chocolate")
    assert found[0].text == "Shilpa's loves Hersheys" and found[0].score is not None
    # The context window counts what archival memory holds.
    assert (
        "2 memories you saved are stored in archival memory"
        in client.agents.context.retrieve(agent_state.id).system_prompt
    )


def test_seed_rag_over_a_pdf_handbook(seed_client: Memvisor, tmp_path):
    client = seed_client
    (tmp_path / "handbook.pdf").write_bytes(handbook_pdf())
    source = client.sources.create(name="employee_handbook", embedding="openai/text-embedding-3-small")
    job = client.sources.files.upload(source_id=source.id, file=open(tmp_path / "handbook.pdf", "rb"))
    assert job.status in ("pending", "parsing", "embedding", "completed")
    import time

    deadline = time.monotonic() + 60
    while job.status != "completed":
        assert job.status != "failed", job.failure_reason
        assert time.monotonic() < deadline
        job = client.jobs.retrieve(job.id)
        time.sleep(0.1)
    agent_state = _agent(client, "My name is Sarah", "You are a helpful assistant")
    agent_state = client.agents.sources.attach(agent_id=agent_state.id, source_id=source.id)
    assert [s.id for s in client.agents.sources.list(agent_state.id)] == [source.id]
    response = client.agents.messages.create(
        agent_id=agent_state.id,
        messages=[{"role": "user", "content": "Search archival for our company's vacation policies"}],
    )
    assert "twenty days of paid vacation" in response.messages[-1].content


def test_seed_custom_tools_get_agent_id_and_task_queue(seed_client: Memvisor):
    client = seed_client
    get_id_tool = client.tools.upsert_from_function(func=seed_tools.get_agent_id)
    assert get_id_tool.json_schema["parameters"]["properties"] == {}  # agent_state is hidden from the LLM
    agent_state = client.agents.create(
        memory_blocks=[],
        model="openai/gpt-4o-mini",
        embedding="openai/text-embedding-3-small",
        tool_ids=[get_id_tool.id],
    )
    chunks = list(
        client.agents.messages.create_stream(
            agent_id=agent_state.id, messages=[{"role": "user", "content": "What is your agent id?"}]
        )
    )
    ret = next(c for c in chunks if c.message_type == "tool_return_message")
    assert ret.status == "success" and ret.tool_return == agent_state.id
    assert agent_state.id in next(c for c in chunks if c.message_type == "assistant_message").content

    pop_tool = client.tools.upsert_from_function(func=seed_tools.task_queue_pop)
    push_tool = client.tools.upsert_from_function(func=seed_tools.task_queue_push)
    assert push_tool.json_schema["parameters"]["required"] == ["task_description"]
    task_agent = client.agents.create(
        system="You manage a task queue stored in your 'tasks' memory block. Push tasks the user gives you "
        "one at a time with task_queue_push, pop them with task_queue_pop, and reply with send_message.",
        memory_blocks=[{"label": "tasks", "value": json.dumps([])}],
        model="openai/gpt-4o-mini-2024-07-18",
        embedding="openai/text-embedding-3-small",
        tool_ids=[pop_tool.id, push_tool.id],
        include_base_tools=False,
        tools=["send_message"],
    )
    assert sorted(task_agent.tools) == ["send_message", "task_queue_pop", "task_queue_push"]
    chunks = list(
        client.agents.messages.create_stream(
            agent_id=task_agent.id,
            messages=[
                {
                    "role": "user",
                    "content": "Add 'start calling me Mickey' and 'tell me a haiku about my name' as two "
                    "seperate tasks.",
                }
            ],
        )
    )
    pushes = [
        c for c in chunks if c.message_type == "tool_call_message" and c.tool_call.name == "task_queue_push"
    ]
    assert len(pushes) == 2
    assert all(c.status == "success" for c in chunks if c.message_type == "tool_return_message")
    tasks = json.loads(client.agents.blocks.retrieve(agent_id=task_agent.id, block_label="tasks").value)
    assert tasks == ["start calling me Mickey", "tell me a haiku about my name"]
    usage = next(c for c in chunks if c.message_type == "usage_statistics")
    assert usage.step_count == 3

    response = client.agents.messages.create(
        agent_id=task_agent.id, messages=[{"role": "user", "content": "What is the next task?"}]
    )
    ret = next(m for m in response.messages if m.message_type == "tool_return_message")
    assert ret.tool_return == 'Remaining tasks ["tell me a haiku about my name"]'
    assert json.loads(client.agents.blocks.retrieve(agent_id=task_agent.id, block_label="tasks").value) == [
        "tell me a haiku about my name"
    ]
