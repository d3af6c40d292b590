"""Recall memory through the manager, on SQLite and PostgreSQL: append, list, search, context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from memory_service.domain import BlockRef, Kind, MessageFilter, NewBlock, NewMessage, Role, ToolCall
from memory_service.manager import MemoryManager
from memvisor_common.db import Database

from .conftest import TENANT, small_settings
from .helpers import agent_id, raises_domain


async def new_agent(manager: MemoryManager) -> str:
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "")])
    return agent


def call(call_id: str, text: str = "hi") -> tuple[NewMessage, NewMessage]:
    """An assistant message calling send_message, and its tool result."""
    return (
        NewMessage(
            Role.ASSISTANT,
            content="thinking",
            tool_calls=(ToolCall(call_id, "send_message", f'{{"message": "{text}"}}'),),
        ),
        NewMessage(Role.TOOL, content='{"status": "OK"}', tool_call_id=call_id, tool_name="send_message"),
    )


async def test_append_keeps_order_and_assigns_sequences(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    stored = await manager.append_messages(
        TENANT,
        agent,
        [
            NewMessage(Role.USER, content="hello", step_id="step-1"),
            *call("c1"),
        ],
        add_to_context=True,
    )
    assert [m.sequence for m in stored] == [1, 2, 3]
    assert [m.role for m in stored] == [Role.USER, Role.ASSISTANT, Role.TOOL]
    assert stored[0].kind is Kind.CHAT and stored[0].step_id == "step-1"
    assert stored[1].tool_calls[0].name == "send_message"
    assert all(m.id.startswith("message-") and m.agent_id == agent for m in stored)

    more = await manager.append_messages(TENANT, agent, [NewMessage(Role.USER, content="again")])
    assert more[0].sequence == 4
    memory = await manager.get_agent_memory(TENANT, agent)
    assert [m.id for m in memory.in_context_messages] == [m.id for m in stored]  # 'again' not in context
    assert memory.recall_message_count == 4
    assert [b.label for b in memory.blocks] == ["human"]


async def test_create_time_is_honoured_for_imports(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    then = datetime(2020, 5, 17, 12, 30, tzinfo=UTC)
    stored = await manager.append_messages(
        TENANT,
        agent,
        [NewMessage(Role.USER, content="old", created_at=then), NewMessage(Role.USER, content="now")],
    )
    assert stored[0].created_at == then
    assert stored[1].created_at > then + timedelta(days=365)
    listed = await manager.list_messages(TENANT, agent)
    assert listed.items[0].created_at == then


async def test_append_is_all_or_nothing(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    ok = NewMessage(Role.USER, content="fine")
    await raises_domain(
        manager.append_messages(TENANT, agent, [ok, NewMessage(Role.USER, content="x" * 501)]),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    assistant, _tool = call("c1")
    await raises_domain(
        manager.append_messages(TENANT, agent, [ok, assistant], add_to_context=True),
        "INVALID_ARGUMENT",
        "TOOL_CALL_UNPAIRED",
    )
    memory = await manager.get_agent_memory(TENANT, agent)
    assert memory.recall_message_count == 0 and memory.in_context_messages == ()
    assert (await manager.list_messages(TENANT, agent)).items == []


async def test_tool_call_pairing_rules(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    assistant, tool = call("c1")
    err = await raises_domain(
        manager.append_messages(TENANT, agent, [assistant]), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
    )
    assert err.field_violations[0][0] == "messages[0].tool_calls"
    err = await raises_domain(
        manager.append_messages(TENANT, agent, [tool]), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
    )
    assert err.field_violations[0][0] == "messages[0].tool_call_id"
    # The result before its call is a result without a call.
    await raises_domain(
        manager.append_messages(TENANT, agent, [tool, assistant]), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
    )
    # Answered twice.
    await raises_domain(
        manager.append_messages(TENANT, agent, [assistant, tool, tool]),
        "INVALID_ARGUMENT",
        "TOOL_CALL_UNPAIRED",
    )
    stored = await manager.append_messages(TENANT, agent, [assistant, tool])
    # A result for a call that is already stored comes too late: the pair is stored together.
    await raises_domain(
        manager.append_messages(TENANT, agent, [tool]), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
    )
    # Provider call ids may repeat across steps: a new pair reusing "c1" is fine.
    again = await manager.append_messages(TENANT, agent, [assistant, tool])
    assert again[0].sequence == stored[-1].sequence + 1

    two_calls = NewMessage(Role.ASSISTANT, tool_calls=(ToolCall("a", "f", "{}"), ToolCall("b", "g", "{}")))
    res_a = NewMessage(Role.TOOL, content="ra", tool_call_id="a")
    res_b = NewMessage(Role.TOOL, content="rb", tool_call_id="b")
    await raises_domain(
        manager.append_messages(TENANT, agent, [two_calls, res_a]), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
    )
    assert len(await manager.append_messages(TENANT, agent, [two_calls, res_b, res_a])) == 3

    dup = NewMessage(Role.ASSISTANT, tool_calls=(ToolCall("d", "f", "{}"), ToolCall("d", "f", "{}")))
    await raises_domain(
        manager.append_messages(TENANT, agent, [dup, res_a]), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    assert (await manager.get_agent_memory(TENANT, agent)).recall_message_count == 7


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (NewMessage(Role.USER, tool_calls=(ToolCall("c", "f", "{}"),)), "messages[0].tool_calls"),
        (NewMessage(Role.USER, tool_call_id="c"), "messages[0].tool_call_id"),
        (NewMessage(Role.TOOL, content="r"), "messages[0].tool_call_id"),
        (NewMessage(Role.ASSISTANT, tool_calls=(ToolCall("", "f", "{}"),)), "messages[0].tool_calls[0].id"),
        (NewMessage(Role.ASSISTANT, tool_calls=(ToolCall("c", "", "{}"),)), "messages[0].tool_calls[0].name"),
        (NewMessage(Role.USER, step_id="s" * 300), "messages[0].step_id"),
        (NewMessage(Role.USER, content="x" * 501), "messages[0].content"),
    ],
)
async def test_append_bad_messages(manager: MemoryManager, message: NewMessage, field: str) -> None:
    agent = await new_agent(manager)
    err = await raises_domain(
        manager.append_messages(TENANT, agent, [message]), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    assert err.field_violations[0][0] == field


async def test_append_requires_agent_and_messages(manager: MemoryManager) -> None:
    await raises_domain(
        manager.append_messages(TENANT, agent_id(), [NewMessage(Role.USER, content="x")]),
        "NOT_FOUND",
        "AGENT_NOT_FOUND",
    )
    agent = await new_agent(manager)
    await raises_domain(manager.append_messages(TENANT, agent, []), "INVALID_ARGUMENT", "INVALID_FIELD")
    await raises_domain(
        manager.append_messages(TENANT, agent, [NewMessage(Role.USER)] * 21),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )


async def test_list_paging_filters_and_tokens(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    msgs = [
        NewMessage(
            Role.USER if i % 2 == 0 else Role.SYSTEM, content=f"m{i}", created_at=base + timedelta(days=i)
        )
        for i in range(7)
    ]
    await manager.append_messages(TENANT, agent, msgs)

    contents: list[str] = []
    token = ""
    while True:
        page = await manager.list_messages(TENANT, agent, page_size=3, page_token=token)
        contents += [m.content for m in page.items]
        token = page.next_page_token
        if not token:
            break
    assert contents == [f"m{i}" for i in range(7)]

    desc = await manager.list_messages(TENANT, agent, descending=True, page_size=2)
    assert [m.content for m in desc.items] == ["m6", "m5"]
    desc2 = await manager.list_messages(
        TENANT, agent, descending=True, page_size=2, page_token=desc.next_page_token
    )
    assert [m.content for m in desc2.items] == ["m4", "m3"]

    users = await manager.list_messages(TENANT, agent, MessageFilter(roles=(Role.USER,)))
    assert [m.content for m in users.items] == ["m0", "m2", "m4", "m6"]
    window = MessageFilter(start_time=base + timedelta(days=2), end_time=base + timedelta(days=4))
    assert [m.content for m in (await manager.list_messages(TENANT, agent, window)).items] == [
        "m2",
        "m3",
        "m4",
    ]

    # A token is bound to the filters it was issued with, and cannot be forged.
    await raises_domain(
        manager.list_messages(TENANT, agent, window, page_token=desc.next_page_token),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(
        manager.list_messages(TENANT, agent, page_size=2, page_token=desc.next_page_token),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(
        manager.list_messages(TENANT, agent, page_token="eyJjIjp7ImFmdGVyIjoiMSJ9fQ"),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(
        manager.list_messages(TENANT, agent, page_size=-1), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    await raises_domain(
        manager.list_messages(TENANT, agent, MessageFilter(start_time=base, end_time=base - timedelta(1))),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(manager.list_messages(TENANT, agent_id()), "NOT_FOUND", "AGENT_NOT_FOUND")


async def test_search_ranks_more_relevant_first(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    await manager.append_messages(
        TENANT,
        agent,
        [
            NewMessage(Role.USER, content="I had physics homework today"),
            NewMessage(Role.USER, content="The weather is nice"),
            NewMessage(Role.USER, content="Quantum physics and quantum computing fascinate me"),
            NewMessage(Role.USER, content="What should I cook tonight?"),
        ],
    )
    hits = await manager.search_messages(TENANT, agent, "quantum physics")
    assert [h.message.content for h in hits] == [
        "Quantum physics and quantum computing fascinate me",
        "I had physics homework today",
    ]
    assert hits[0].score > hits[1].score > 0
    # Stemming: "cooking" finds "cook".
    assert [h.message.content for h in await manager.search_messages(TENANT, agent, "cooking")] == [
        "What should I cook tonight?"
    ]


@pytest.mark.parametrize(
    "query",
    [
        '"AND OR * (',
        'physics" OR',
        "NEAR(physics",
        "physics:*",
        "-physics ^",
        "'; DROP TABLE memory_messages; --",
        "!!! ???",
        "physics & | !",
    ],
)
async def test_search_syntax_is_never_an_error(manager: MemoryManager, query: str) -> None:
    agent = await new_agent(manager)
    await manager.append_messages(TENANT, agent, [NewMessage(Role.USER, content="physics and more")])
    hits = await manager.search_messages(TENANT, agent, query)
    if "physics" in query:
        assert [h.message.content for h in hits] == ["physics and more"]
    else:
        assert isinstance(hits, list)
    assert (await manager.get_agent_memory(TENANT, agent)).recall_message_count == 1


async def test_search_defaults_and_filters(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    base = datetime(2024, 3, 1, tzinfo=UTC)
    assistant, tool = call("c1", "the zebra is striped")
    await manager.append_messages(
        TENANT,
        agent,
        [
            NewMessage(Role.USER, content="tell me about the zebra", created_at=base),
            NewMessage(Role.USER, kind=Kind.HEARTBEAT, content="zebra heartbeat", created_at=base),
            NewMessage(Role.SYSTEM, content="zebra system prompt", created_at=base),
            assistant,
            tool,
        ],
    )
    later = await manager.append_messages(
        TENANT, agent, [NewMessage(Role.USER, content="zebra again", created_at=base + timedelta(days=10))]
    )

    hits = await manager.search_messages(TENANT, agent, "zebra", limit=100)
    contents = {h.message.content for h in hits}
    # The assistant message is found through its send_message argument; heartbeats, tool
    # results and system messages are not indexed.
    assert contents == {"tell me about the zebra", "thinking", "zebra again"}

    users = await manager.search_messages(TENANT, agent, "zebra", MessageFilter(roles=(Role.USER,)))
    assert {h.message.content for h in users} == {"tell me about the zebra", "zebra again"}
    dated = await manager.search_messages(
        TENANT,
        agent,
        "zebra",
        MessageFilter(start_time=base + timedelta(days=1), end_time=base + timedelta(days=20)),
    )
    assert [h.message.id for h in dated] == [later[0].id]

    # No words but a filter: newest first, chat messages only.
    newest = await manager.search_messages(TENANT, agent, "", MessageFilter(roles=(Role.USER,)), limit=1)
    assert [h.message.content for h in newest] == ["zebra again"]
    await raises_domain(manager.search_messages(TENANT, agent, "  "), "INVALID_ARGUMENT", "INVALID_FIELD")
    await raises_domain(
        manager.search_messages(TENANT, agent, "x", limit=-1), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    await raises_domain(
        manager.search_messages(TENANT, agent, "x" * 201), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    await raises_domain(manager.search_messages(TENANT, agent_id(), "x"), "NOT_FOUND", "AGENT_NOT_FOUND")


async def test_search_limit_default_and_clamp(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    await manager.append_messages(
        TENANT, agent, [NewMessage(Role.USER, content=f"apple {i}") for i in range(20)]
    )
    assert len(await manager.search_messages(TENANT, agent, "apple")) == 5
    assert len(await manager.search_messages(TENANT, agent, "apple", limit=500)) == 20


async def test_set_context_window(manager: MemoryManager) -> None:
    agent = await new_agent(manager)
    user = NewMessage(Role.USER, content="hi")
    stored = await manager.append_messages(TENANT, agent, [user, *call("c1"), user], add_to_context=True)
    u1, a, t, u2 = (m.id for m in stored)

    version = await manager.set_context_window(
        TENANT, agent, [u2, a, t], summary="we said hi", expected_context_version=1
    )
    assert version == 2
    memory = await manager.get_agent_memory(TENANT, agent)
    assert [m.id for m in memory.in_context_messages] == [u2, a, t]
    assert (memory.summary, memory.context_version, memory.recall_message_count) == ("we said hi", 2, 4)

    for ids in ([a], [t], [t, a], [u1, a]):
        await raises_domain(
            manager.set_context_window(TENANT, agent, ids), "INVALID_ARGUMENT", "TOOL_CALL_UNPAIRED"
        )
    await raises_domain(
        manager.set_context_window(TENANT, agent, [u1, u1]), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    await raises_domain(
        manager.set_context_window(TENANT, agent, ["message-1"]), "INVALID_ARGUMENT", "MALFORMED_ID"
    )
    await raises_domain(
        manager.set_context_window(TENANT, agent, [u1], expected_context_version=1),
        "ABORTED",
        "CONTEXT_VERSION_CONFLICT",
    )
    await raises_domain(
        manager.set_context_window(TENANT, agent, [u1], summary="s" * 201),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    other = await new_agent(manager)
    foreign = await manager.append_messages(TENANT, other, [user])
    await raises_domain(
        manager.set_context_window(TENANT, agent, [foreign[0].id]), "NOT_FOUND", "MESSAGE_NOT_FOUND"
    )
    await raises_domain(manager.set_context_window(TENANT, agent_id(), []), "NOT_FOUND", "AGENT_NOT_FOUND")

    unchanged = await manager.get_agent_memory(TENANT, agent)
    assert unchanged.context_version == 2 and [m.id for m in unchanged.in_context_messages] == [u2, a, t]
    # Evicted messages stay in recall.
    assert len((await manager.list_messages(TENANT, agent)).items) == 4
    assert await manager.set_context_window(TENANT, agent, []) == 3


async def test_delete_agent_memory_keeps_blocks(manager: MemoryManager) -> None:
    shared = await manager.create_block(TENANT, NewBlock("shared", "x"))
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "h")], [shared.id])
    await manager.append_messages(
        TENANT, agent, [NewMessage(Role.USER, content="remember zebras")], add_to_context=True
    )
    await manager.delete_agent_memory(TENANT, agent)
    await raises_domain(manager.get_agent_memory(TENANT, agent), "NOT_FOUND", "AGENT_NOT_FOUND")
    await raises_domain(manager.delete_agent_memory(TENANT, agent), "NOT_FOUND", "AGENT_NOT_FOUND")
    blocks = (await manager.list_blocks(TENANT)).items
    assert sorted(b.label for b in blocks) == ["human", "shared"] and all(b.agent_ids == () for b in blocks)
    # Recreating the agent starts from an empty recall (messages and their index entries are gone).
    await manager.create_agent_memory(TENANT, agent)
    assert (await manager.get_agent_memory(TENANT, agent)).recall_message_count == 0
    assert await manager.search_messages(TENANT, agent, "zebras") == []


async def test_huge_message_is_stored_and_searchable(database: Database) -> None:
    """PostgreSQL caps a tsvector at 1 MiB; storing must not depend on how much text is indexed."""
    manager = MemoryManager(database, small_settings(max_message_chars=2_000_000))
    agent = await new_agent(manager)
    text = " ".join(f"word{i}x" for i in range(150_000))  # ~1.7M chars, ~2 MB as a tsvector
    [stored] = await manager.append_messages(TENANT, agent, [NewMessage(Role.USER, content=text)])
    assert (await manager.list_messages(TENANT, agent)).items[0].content == text
    hits = await manager.search_messages(TENANT, agent, "word7x")
    assert [h.message.id for h in hits] == [stored.id]


async def test_nul_characters_are_refused_everywhere(manager: MemoryManager) -> None:
    """PostgreSQL text cannot hold NUL; both backends refuse it up front, with the field named."""
    agent = await new_agent(manager)
    ref = BlockRef(agent_id=agent, label="human")
    cases = [
        (
            manager.append_messages(TENANT, agent, [NewMessage(Role.USER, content="a\x00b")]),
            "messages[0].content",
        ),
        (manager.create_block(TENANT, NewBlock("x", "a\x00b")), "block.value"),
        (manager.append_to_block(TENANT, ref, "a\x00b"), "text"),
        (manager.search_messages(TENANT, agent, "a\x00b"), "query"),
        (manager.set_context_window(TENANT, agent, [], summary="\x00"), "summary"),
    ]
    for call_, field in cases:
        err = await raises_domain(call_, "INVALID_ARGUMENT", "INVALID_FIELD")
        assert err.field_violations[0][0] == field
    assert (await manager.get_agent_memory(TENANT, agent)).recall_message_count == 0
