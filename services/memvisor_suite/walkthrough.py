"""The seed article's walkthrough, call for call, through the Python client (client code only)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from memvisor.client import Memvisor, print_message
from memvisor_suite.sample_documents import handbook_pdf

MODEL = "openai/gpt-4o-mini-2024-07-18"
EMBEDDING = "openai/text-embedding-3-small"


class WalkthroughFailed(AssertionError):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise WalkthroughFailed(what)
    print(f"   ✔ {what}")


def part_core_memory(client: Memvisor) -> str:
    print("\n== Part 1: an agent with core memory ==")
    agent_state = client.agents.create(
        name="simple_agent",
        memory_blocks=[
            {"label": "human", "value": "My name is Shilpa", "limit": 10000},
            {"label": "persona", "value": "You are a helpful assistant and you always use emojis"},
        ],
        model=MODEL,
        embedding=EMBEDDING,
    )
    print(f"created agent {agent_state.id} with blocks {[b.label for b in agent_state.memory.blocks]}")

    response = client.agents.messages.create(
        agent_id=agent_state.id, messages=[{"role": "user", "content": "hows it going????"}]
    )
    for message in response.messages:
        print_message(message)
    print(response.usage.completion_tokens)
    print(response.usage.prompt_tokens)
    print(response.usage.step_count)
    check(any(m.message_type == "assistant_message" for m in response.messages), "the agent answered")
    check(response.usage.step_count >= 1 and response.usage.prompt_tokens > 0, "usage stats are reported")

    response = client.agents.messages.create(
        agent_id=agent_state.id, messages=[{"role": "user", "content": "my name actually is Sid"}]
    )
    for message in response.messages:
        print_message(message)
    human = client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="human").value
    print(f"human block: {human!r}")
    check("Sid" in human, "the agent edited its own 'human' block")
    return agent_state.id


def part_shared_blocks(client: Memvisor) -> None:
    print("\n== Part 2: blocks, listed and shared ==")
    agent_state = client.agents.create(
        memory_blocks=[
            {"label": "human", "value": "The human's name is Winnie the Pooh."},
            {"label": "persona", "value": "My name is Rabbit, the all-knowing sentient AI."},
        ],
        model="openai/gpt-4o-mini",
        embedding="openai/text-embedding-3-small",
    )
    blocks = client.agents.blocks.list(agent_id=agent_state.id)
    print([f"{b.label}: {b.value}" for b in blocks])
    check(len(blocks) == 2, "two blocks were created")
    company_block = client.blocks.create(
        value="The company is called AgentOS and is building AI tools to make it easier to create and deploy "
        "LLM agents.",
        label="company",
        limit=10000,
    )
    a = client.agents.create(
        memory_blocks=[{"label": "persona", "value": "outreach"}],
        model=MODEL,
        embedding=EMBEDDING,
        block_ids=[company_block.id],
    )
    b = client.agents.create(
        memory_blocks=[{"label": "persona", "value": "evaluator"}],
        model=MODEL,
        embedding=EMBEDDING,
        block_ids=[company_block.id],
    )
    client.blocks.modify(company_block.id, value="The company has rebranded to Letta.")
    seen = {client.agents.blocks.retrieve(agent_id=x.id, block_label="company").value for x in (a, b)}
    check(seen == {"The company has rebranded to Letta."}, "a shared block edit is seen by both agents")


def part_archival(client: Memvisor, agent_id: str) -> None:
    print("\n== Part 3: archival memory ==")
    response = client.agents.messages.create(
        agent_id=agent_id,
        messages=[
            {
                "role": "user",
                "content": "Save the information that 'shilpa loves machine learning' to archival",
            }
        ],
    )
    for message in response.messages:
        print_message(message)
    print([p.text for p in client.agents.passages.list(agent_id=agent_id)])
    client.agents.passages.create(agent_id=agent_id, text="Shilpa's loves Hersheys")
    response = client.agents.messages.create(
        agent_id=agent_id,
        messages=[{"role": "user", "content": "What chocolates do I like? Search archival."}],
    )
    for message in response.messages:
        print_message(message)
    check("Hersheys" in (response.messages[-1].content or ""), "archival search found the inserted passage")


# The seed's tools, written against memvisor's client: inside the sandbox, Memvisor() finds the suite
# through MEMVISOR_TARGET, which the tool-service sets.
def get_agent_id(agent_state: AgentState):  # noqa: F821
    """
    Query your agent ID field
    """
    return agent_state.id


def task_queue_push(agent_state: AgentState, task_description: str):  # noqa: F821
    """
    Push to a task queue stored in core memory.

    Args:
        task_description (str): A description of the next task you must accomplish.

    Returns:
        Optional[str]: None is always returned as this function does not produce a response.
    """
    import json

    from memvisor.client import Memvisor

    client = Memvisor()
    block = client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="tasks")
    tasks = json.loads(block.value)
    tasks.append(task_description)
    client.agents.blocks.modify(agent_id=agent_state.id, value=json.dumps(tasks), block_label="tasks")
    return None


def task_queue_pop(agent_state: AgentState):  # noqa: F821
    """
    Get the next task from the task queue

    Returns:
        Optional[str]: Remaining tasks in the queue
    """
    import json

    from memvisor.client import Memvisor

    client = Memvisor()
    block = client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="tasks")
    tasks = json.loads(block.value)
    if len(tasks) == 0:
        return None
    remaining_tasks = json.dumps(tasks[1:])
    client.agents.blocks.modify(agent_id=agent_state.id, value=remaining_tasks, block_label="tasks")
    return f"Remaining tasks {remaining_tasks}"


def part_tools(client: Memvisor) -> None:
    print("\n== Part 4: custom tools in the sandbox ==")
    get_id_tool = client.tools.upsert_from_function(func=get_agent_id)
    agent_state = client.agents.create(
        memory_blocks=[],
        model="openai/gpt-4o-mini",
        embedding="openai/text-embedding-3-small",
        tool_ids=[get_id_tool.id],
    )
    response_stream = client.agents.messages.create_stream(
        agent_id=agent_state.id, messages=[{"role": "user", "content": "What is your agent id?"}]
    )
    chunks = list(response_stream)
    for chunk in chunks:
        print_message(chunk)
    check(
        any(agent_state.id in (c.content or "") for c in chunks if c.message_type == "assistant_message"),
        "the sandboxed tool received the agent's state",
    )

    task_queue_pop_tool = client.tools.upsert_from_function(func=task_queue_pop)
    task_queue_push_tool = client.tools.upsert_from_function(func=task_queue_push)
    task_agent = client.agents.create(
        system="You manage a task queue stored in your 'tasks' memory block. Push each task the user gives "
        "you with task_queue_push, pop the next one with task_queue_pop, and reply with send_message.",
        memory_blocks=[{"label": "tasks", "value": json.dumps([])}],
        model="openai/gpt-4o-mini-2024-07-18",
        embedding="openai/text-embedding-3-small",
        tool_ids=[task_queue_pop_tool.id, task_queue_push_tool.id],
        include_base_tools=False,
        tools=["send_message"],
    )
    response_stream = client.agents.messages.create_stream(
        agent_id=task_agent.id,
        messages=[
            {
                "role": "user",
                "content": "Add 'start calling me Mickey' and 'tell me a haiku about my name' as two "
                "seperate tasks.",
            }
        ],
    )
    for chunk in response_stream:
        print_message(chunk)
    tasks = json.loads(client.agents.blocks.retrieve(agent_id=task_agent.id, block_label="tasks").value)
    print(f"tasks block: {tasks}")
    check(
        tasks == ["start calling me Mickey", "tell me a haiku about my name"], "both tasks are in the queue"
    )


def part_rag(client: Memvisor) -> None:
    print("\n== Part 5: RAG over a PDF data source ==")
    pdf = Path(tempfile.mkdtemp(prefix="memvisor-walkthrough-")) / "handbook.pdf"
    pdf.write_bytes(handbook_pdf())
    source = client.sources.create(name="employee_handbook", embedding="openai/text-embedding-3-small")
    job = client.sources.files.upload(source_id=source.id, file=open(pdf, "rb"))
    deadline = time.monotonic() + 120
    while job.status not in ("completed", "failed") and time.monotonic() < deadline:
        job = client.jobs.retrieve(job.id)
        print(job.status)
        time.sleep(0.5)
    check(job.status == "completed", f"the handbook was ingested ({job.processed_chunks} chunks)")
    agent_state = client.agents.create(
        memory_blocks=[
            {"label": "human", "value": "My name is Sarah"},
            {"label": "persona", "value": "You are a helpful assistant"},
        ],
        model="openai/gpt-4o-mini-2024-07-18",
        embedding="openai/text-embedding-3-small",
    )
    agent_state = client.agents.sources.attach(agent_id=agent_state.id, source_id=source.id)
    response = client.agents.messages.create(
        agent_id=agent_state.id,
        messages=[{"role": "user", "content": "Search archival for our company's vacation policies"}],
    )
    for message in response.messages:
        print_message(message)
    check("vacation" in (response.messages[-1].content or "").lower(), "the agent found the vacation policy")


def run_walkthrough(target: str | None = None) -> int:
    with Memvisor(target=target) as client:
        try:
            agent_id = part_core_memory(client)
            part_shared_blocks(client)
            part_archival(client, agent_id)
            part_tools(client)
            part_rag(client)
        except WalkthroughFailed as exc:
            print(f"\nWALKTHROUGH FAILED: {exc}", file=sys.stderr)
            return 1
    print("\nwalkthrough completed")
    return 0
