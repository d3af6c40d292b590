"""AgentService and the client: lifecycle, history import/search, context window, bad input."""

from __future__ import annotations

import pytest

from memvisor.client import FailedPreconditionError, InvalidArgumentError, MemvisorError, NotFoundError
from memvisor_scripted_llm import Reply, tool_call

MISSING_AGENT = "agent-00000000-0000-4000-8000-000000000000"


def test_lifecycle_list_paging_tags_update_delete(client):
    ids = [
        client.agents.create(
            model="openai/gpt-4o-mini",
            name=f"a{i}",
            tags=["team"] + (["vip"] if i % 2 else []),
            memory_blocks=[{"label": "persona", "value": f"p{i}"}],
        ).id
        for i in range(5)
    ]
    assert [a.id for a in client.agents.list()] == ids
    # paging: small pages concatenate to the whole list
    from memvisor.agents.v1 import agent_service_pb2 as svc

    first = client.agents._t.unary(client.agents._stub.ListAgents, svc.ListAgentsRequest(page_size=2))
    assert len(first.agents) == 2 and first.next_page_token
    second = client.agents._t.unary(
        client.agents._stub.ListAgents, svc.ListAgentsRequest(page_size=2, page_token=first.next_page_token)
    )
    assert [a.id for a in second.agents] == ids[2:4]
    with pytest.raises(InvalidArgumentError) as err:  # a token is bound to the filters it was issued for
        client.agents._t.unary(
            client.agents._stub.ListAgents,
            svc.ListAgentsRequest(page_size=2, page_token=first.next_page_token, tags=["vip"]),
        )
    assert err.value.field_violations[0][0] == "page_token"
    assert [a.id for a in client.agents.list(tags=["vip"])] == [ids[1], ids[3]]
    assert [a.id for a in client.agents.list(tags=["team", "vip"], match_all_tags=True)] == [ids[1], ids[3]]
    assert [a.name for a in client.agents.list(name="a2")] == ["a2"]

    updated = client.agents.modify(ids[0], name="renamed", tags=["x"], system="Be brief.")
    assert (updated.name, updated.tags, updated.system) == ("renamed", ["x"], "Be brief.")
    assert updated.memory.get_block("persona").value == "p0"
    with pytest.raises(FailedPreconditionError) as err:
        client.agents.modify(ids[0], embedding="openai/text-embedding-ada-002")
    assert err.value.reason == "EMBEDDING_IMMUTABLE"

    client.agents.delete(ids[0])
    with pytest.raises(NotFoundError) as err:
        client.agents.retrieve(ids[0])
    assert err.value.reason == "AGENT_NOT_FOUND"
    with pytest.raises(NotFoundError):
        client.agents.blocks.list(agent_id=ids[0])
    assert len(client.agents.list()) == 4


def test_shared_block_edit_by_one_agent_is_in_the_other_agents_context(client, script):
    company = client.blocks.create(label="company", value="AgentOS builds agent tools.", limit=10000)
    a = client.agents.create(model="openai/gpt-4o-mini", block_ids=[company.id])
    b = client.agents.create(model="openai/gpt-4o-mini", block_ids=[company.id])
    assert sorted(client.blocks.retrieve(company.id).agent_ids) == sorted([a.id, b.id])
    script.push(
        Reply.calls(
            tool_call(
                "core_memory_replace",
                label="company",
                old_content="AgentOS",
                new_content="Letta",
                request_heartbeat=False,
            )
        )
    )
    client.agents.messages.create(
        agent_id=a.id, messages=[{"role": "user", "content": "We rebranded to Letta"}]
    )
    assert "Letta builds agent tools." in client.agents.context.retrieve(b.id).system_prompt


def test_context_window_layout_and_token_accounting(client):
    agent = client.agents.create(
        model="openai/gpt-4o-mini",
        system="You are Rabbit.",
        memory_blocks=[
            {"label": "human", "value": "Pooh", "limit": 500},
            {"label": "notes", "value": "n", "read_only": True, "description": "Facts."},
        ],
    )
    ctx = client.agents.context.retrieve(agent.id)
    s = ctx.system_prompt
    assert s.startswith("You are Rabbit.")
    assert s.index("<human>") < s.index("<notes>") < s.index("<memory_metadata>")
    assert "chars_current=4" in s and "chars_limit=500" in s and "read_only=true" in s and "Facts." in s
    # the default description for well-known labels
    assert "person you are talking with" in s
    assert "0 messages are stored in recall memory" in s
    assert ctx.context_window_limit == 128_000 and ctx.system_tokens > 20 and ctx.tool_tokens > 50
    names = {t["function"]["name"] for t in ctx.tools}
    assert {"send_message", "core_memory_append", "core_memory_replace", "conversation_search"} <= names


def test_import_history_then_list_and_ranked_search(client, script, llm):
    agent = client.agents.create(model="openai/gpt-4o-mini")
    count = client.agents.messages.import_messages(
        agent.id,
        [
            {
                "role": "user",
                "content": "I adopted a golden retriever named Biscuit",
                "created_at": "2023-05-01T10:00:00+00:00",
            },
            {
                "role": "assistant",
                "content": "Biscuit sounds adorable!",
                "created_at": "2023-05-01T10:00:05+00:00",
            },
            {
                "role": "user",
                "content": "My favourite food is ramen",
                "created_at": "2023-06-01T10:00:00+00:00",
            },
            {
                "role": "user",
                "content": "Biscuit the retriever learned to fetch",
                "created_at": "2023-07-01T10:00:00+00:00",
            },
        ],
    )
    assert count == 4
    history = client.agents.messages.list(agent_id=agent.id)
    assert [m.message_type for m in history] == [
        "user_message",
        "assistant_message",
        "user_message",
        "user_message",
    ]
    assert history[0].date.year == 2023 and history[1].content == "Biscuit sounds adorable!"
    hits = client.agents.messages.search(agent.id, "golden retriever Biscuit")
    assert hits[0].content == "I adopted a golden retriever named Biscuit"
    assert all("ramen" not in h.content for h in hits)
    assert [h.role for h in client.agents.messages.search(agent.id, "Biscuit", roles=["assistant"])] == [
        "assistant"
    ]
    dated = client.agents.messages.search(agent.id, "Biscuit", start_date="2023-06-15T00:00:00+00:00")
    assert [h.content for h in dated] == ["Biscuit the retriever learned to fetch"]
    # The agent's conversation_search tool uses the same ranking.
    script.push(
        Reply.calls(tool_call("conversation_search", query="retriever", request_heartbeat=False)),
        Reply.calls(tool_call("send_message", message="ok", request_heartbeat=False)),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=[{"role": "user", "content": "dog?"}])
    found = next(m for m in resp.messages if m.message_type == "tool_return_message").tool_return
    assert "golden retriever" in found and "ramen" not in found
    # Imported history is in the context window the model saw.
    seen = [m.get("content") for m in llm.requests[0]["messages"]]
    assert "My favourite food is ramen" in seen


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "model"),
        ({"model": "gpt-4o-mini"}, "model"),
        ({"model": "nope/x"}, "model"),
        ({"model": "openai/gpt-4o-mini", "embedding": "no-provider"}, "embedding"),
        ({"model": "openai/gpt-4o-mini", "name": "n" * 300}, "name"),
        (
            {"model": "openai/gpt-4o-mini", "memory_blocks": [{"label": "", "value": "x"}]},
            "memory_blocks[0].label",
        ),
        (
            {"model": "openai/gpt-4o-mini", "tool_rules": [{"type": "exit_loop", "tool_name": "ghost"}]},
            "tool_rules[0].tool_name",
        ),
        ({"model": "openai/gpt-4o-mini", "tags": [""]}, "tags[0]"),
        ({"model": "openai/gpt-4o-mini", "context_window_limit": -5}, "context_window_limit"),
    ],
)
def test_create_agent_rejects_bad_input_with_the_field(client, kwargs, field):
    before = len(client.agents.list())
    kwargs.setdefault("model", "")
    with pytest.raises(InvalidArgumentError) as err:
        client.agents.create(**kwargs)
    assert err.value.field_violations[0][0] == field
    assert len(client.agents.list()) == before


def test_create_agent_with_unknown_block_or_tool_creates_nothing(client):
    with pytest.raises(NotFoundError) as err:
        client.agents.create(
            model="openai/gpt-4o-mini", block_ids=["block-00000000-0000-4000-8000-000000000000"]
        )
    assert err.value.reason == "BLOCK_NOT_FOUND"
    with pytest.raises(MemvisorError):
        client.agents.create(model="openai/gpt-4o-mini", tools=["no_such_tool"])
    assert client.agents.list() == []


def test_send_message_bad_input_changes_nothing(client, monkeypatch):
    agent = client.agents.create(model="openai/gpt-4o-mini")
    cases = [
        ([], "messages"),
        ([{"role": "tool", "content": "x"}], "messages[0].role"),
        ([{"role": "user", "content": "   "}], "messages[0].content"),
    ]
    for messages, field in cases:
        with pytest.raises(InvalidArgumentError) as err:
            client.agents.messages.create(agent_id=agent.id, messages=messages)
        assert err.value.field_violations[0][0] == field
    with pytest.raises(InvalidArgumentError):
        client.agents.messages.create(
            agent_id=agent.id, messages=[{"role": "user", "content": "x"}], max_steps=-1
        )
    with pytest.raises(InvalidArgumentError) as err:  # oversized input is refused before anything is stored
        client.agents.messages.create(
            agent_id=agent.id, messages=[{"role": "user", "content": "x" * 1_000_001}]
        )
    assert err.value.field_violations[0][0] == "messages[0].content"
    with pytest.raises(InvalidArgumentError) as err:
        client.agents.messages.create(agent_id="not-an-id", messages=[{"role": "user", "content": "x"}])
    assert err.value.reason == "MALFORMED_ID"
    with pytest.raises(NotFoundError):
        client.agents.messages.create(agent_id=MISSING_AGENT, messages=[{"role": "user", "content": "x"}])
    with pytest.raises(NotFoundError):
        list(
            client.agents.messages.create_stream(
                agent_id=MISSING_AGENT, messages=[{"role": "user", "content": "x"}]
            )
        )
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(FailedPreconditionError) as err:
        client.agents.messages.create(agent_id=agent.id, messages=[{"role": "user", "content": "x"}])
    assert err.value.reason == "LLM_NOT_CONFIGURED"
    assert client.agents.messages.list(agent_id=agent.id) == []


def test_other_rpcs_reject_unknown_and_malformed_ids(client):
    for call in (
        lambda: client.agents.retrieve(MISSING_AGENT),
        lambda: client.agents.delete(MISSING_AGENT),
        lambda: client.agents.modify(MISSING_AGENT, name="x"),
        lambda: client.agents.context.retrieve(MISSING_AGENT),
        lambda: client.agents.messages.list(MISSING_AGENT),
        lambda: client.agents.messages.search(MISSING_AGENT, "x"),
        lambda: client.agents.messages.import_messages(MISSING_AGENT, [{"role": "user", "content": "x"}]),
        lambda: client.agents.blocks.retrieve(MISSING_AGENT, "human"),
    ):
        with pytest.raises(NotFoundError):
            call()
    with pytest.raises(InvalidArgumentError):
        client.agents.retrieve("agent-123")
    agent = client.agents.create(model="openai/gpt-4o-mini")
    with pytest.raises(TypeError):
        client.agents.modify(agent.id, flavour="salty")
    from google.protobuf.field_mask_pb2 import FieldMask

    from memvisor.agents.v1 import agent_pb2
    from memvisor.agents.v1 import agent_service_pb2 as svc

    with pytest.raises(InvalidArgumentError) as err:
        client.agents._t.unary(
            client.agents._stub.UpdateAgent,
            svc.UpdateAgentRequest(
                agent=agent_pb2.Agent(id=agent.id, name="x"), update_mask=FieldMask(paths=["id"])
            ),
        )
    assert err.value.field_violations[0][0] == "update_mask"
    with pytest.raises(InvalidArgumentError):
        client.agents.messages.import_messages(agent.id, [{"role": "robot", "content": "x"}])
    with pytest.raises(InvalidArgumentError):
        client.agents.messages.search(agent.id, "x", roles=["tool"])
