"""The per-step calls (AppendMessages, GetAgentMemory) take Core shortcuts; these pin that the
shortcuts answer exactly what the domain path answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from memory_service import convert, message_store
from memory_service.domain import MessageRecord, NewBlock, NewMessage, Role, ToolCall
from memory_service.manager import MemoryManager
from memory_service.servicer import MemoryServicer
from memvisor.memory.v1 import memory_service_pb2 as pb
from memvisor_common.db import Database
from memvisor_common.request_context import RequestContext, request_scope

from .conftest import TENANT
from .helpers import agent_id


def _record(created: datetime, tool_calls: str = "[]", role: str = "assistant") -> MessageRecord:
    return MessageRecord(
        "message-1", "agent-1", role, "chat", "héllo", tool_calls, "", "", "step-1", 7, created
    )


def test_record_to_proto_matches_the_domain_conversion() -> None:
    calls = json.dumps([{"id": "c1", "name": "send_message", "arguments": '{"message": "hi"}'}])
    for rec in (
        _record(datetime(2024, 5, 1, 12, 0, 0, 123456)),  # SQLite: naive, UTC by construction
        _record(datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC), calls),
        _record(datetime(2024, 5, 1, 14, 0, 0, 1, tzinfo=timezone(timedelta(hours=2)))),
        _record(datetime(1969, 12, 31, 23, 59, 59, 999999)),  # before the epoch
        _record(datetime(1, 1, 1)),
        _record(datetime(2024, 1, 1), role="tool"),
    ):
        expected = convert.message_to_proto(message_store.record_to_message(rec))
        assert convert.record_to_proto(rec) == expected, rec
        assert convert.record_to_proto(rec).SerializeToString(
            deterministic=True
        ) == expected.SerializeToString(deterministic=True)


async def test_get_agent_memory_reply_equals_the_domain_answer(manager: MemoryManager) -> None:
    agent, other = agent_id(), agent_id()
    await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "Ann"), NewBlock("persona", "me")])
    shared = await manager.create_block(TENANT, NewBlock("project", "v1"))
    await manager.create_agent_memory(TENANT, other, block_ids=[shared.id])
    await manager.attach_block(TENANT, agent, shared.id)
    early = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
    for i in range(5):
        await manager.append_messages(
            TENANT,
            agent,
            [
                NewMessage(Role.USER, content=f"hi {i}", created_at=early if i == 2 else None),
                NewMessage(
                    Role.ASSISTANT, tool_calls=(ToolCall(f"c{i}", "send_message", '{"message": "x"}'),)
                ),
                NewMessage(Role.TOOL, content="ok", tool_call_id=f"c{i}", tool_name="send_message"),
            ],
            add_to_context=i != 1,
        )

    domain = await manager.get_agent_memory(TENANT, agent)
    with request_scope(RequestContext(tenant_id=TENANT)):
        reply = await MemoryServicer(lambda: manager).GetAgentMemory(
            pb.GetAgentMemoryRequest(agent_id=agent),
            None,  # type: ignore[arg-type]
        )
    assert [b.label for b in domain.blocks] == ["human", "persona", "project"]
    assert domain.blocks[2].agent_ids == (other, agent)  # in attachment order
    assert len(domain.in_context_messages) == 12
    assert reply == pb.GetAgentMemoryResponse(
        blocks=[convert.block_to_proto(b) for b in domain.blocks],
        in_context_messages=[convert.message_to_proto(m) for m in domain.in_context_messages],
        summary=domain.summary,
        recall_message_count=15,
        context_version=domain.context_version,
    )
    listed = await manager.list_messages(TENANT, agent, page_size=100)
    by_id = {m.id: m for m in listed.items}
    assert list(domain.in_context_messages) == [by_id[m.id] for m in domain.in_context_messages]


async def test_sqlite_reads_in_context_messages_by_id_not_by_history(database: Database) -> None:
    """An agent's whole history must not be walked to find the few messages in its context."""
    if not database.is_sqlite:
        return  # PostgreSQL plans with table statistics
    stmt = message_store._IN_CONTEXT_SQLITE.params(
        tenant=TENANT, agent="agent-1", ids=[f"message-{i}" for i in range(150)]
    )
    with database.engine.connect() as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "(id=?)" in plan and "agent_time" not in plan, plan
