"""Persistence of recall memory: messages, their listing, and ranked full-text search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from memvisor_common.timeutil import as_utc
from sqlalchemy import (
    Connection,
    Select,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op

from memory_service.domain import (
    Kind,
    Message,
    MessageFilter,
    MessageRecord,
    Role,
    ToolCall,
    decode_tool_calls,
)
from memory_service.fulltext import fts5_match
from memory_service.models import MessageRow

# Any select over MessageRow (plain, or with a score column).
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


_messages = MessageRow.__table__

# Prebuilt Core statements for the per-step calls (compiled once; rows come back as tuples).
_INSERT = _messages.insert()


def _in_context_select(tenant_filter: Any, agent_filter: Any) -> Select[Any]:
    """Columns in MessageRecord's field order; tool_calls as its stored JSON text (most rows
    hold '[]', which then needs no decoding)."""
    return select(
        _messages.c.id,
        _messages.c.agent_id,
        _messages.c.role,
        _messages.c.kind,
        _messages.c.content,
        cast(_messages.c.tool_calls, Text),
        _messages.c.tool_call_id,
        _messages.c.tool_name,
        _messages.c.step_id,
        _messages.c.sequence,
        _messages.c.created_at,
    ).where(
        tenant_filter == bindparam("tenant"),
        agent_filter == bindparam("agent"),
        _messages.c.id.in_(bindparam("ids", expanding=True)),
    )


def _no_index(col: Any) -> Any:
    """SQLite's unary '+': the term still filters, but cannot choose the index."""
    return UnaryExpression(col, operator=custom_op("+"), type_=col.type)


_IN_CONTEXT = _in_context_select(_messages.c.tenant_id, _messages.c.agent_id)
# Without table statistics SQLite takes (tenant_id, agent_id) as selective and walks every
# message of the agent (its whole history) to find the ~100 listed ids; the unique id index
# finds each directly. PostgreSQL's planner has statistics and picks the id index itself.
_IN_CONTEXT_SQLITE = _in_context_select(_no_index(_messages.c.tenant_id), _no_index(_messages.c.agent_id))


def insert_values(conn: Connection, values: Sequence[dict[str, Any]]) -> None:
    """Inserts messages given as column -> value dicts (see new_values), in one executemany."""
    conn.execute(_INSERT, list(values))


def records_in_order(conn: Connection, tenant: str, agent_id: str, ids: Sequence[str]) -> list[MessageRecord]:
    """The agent's messages with these ids, in the order of `ids` (missing ones skipped)."""
    if not ids:
        return []
    stmt = _IN_CONTEXT_SQLITE if conn.dialect.name == "sqlite" else _IN_CONTEXT
    found = {
        row[0]: row for row in conn.execute(stmt, {"tenant": tenant, "agent": agent_id, "ids": list(ids)})
    }
    # Rows are tuples in MessageRecord's field order.
    return [found[i] for i in ids if i in found]  # type: ignore[misc]


def delete_for_agent(s: Session, tenant: str, agent_id: str) -> int:
    result = s.execute(
        delete(MessageRow).where(MessageRow.tenant_id == tenant, MessageRow.agent_id == agent_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def by_ids(s: Session, tenant: str, agent_id: str, ids: Sequence[str]) -> dict[str, MessageRow]:
    if not ids:
        return {}
    rows = s.scalars(
        select(MessageRow).where(
            MessageRow.tenant_id == tenant, MessageRow.agent_id == agent_id, MessageRow.id.in_(list(ids))
        )
    )
    return {r.id: r for r in rows}


def results_of_calls(s: Session, tenant: str, call_message_ids: Sequence[str]) -> list[MessageRow]:
    """Tool messages answering calls made by the given assistant messages."""
    if not call_message_ids:
        return []
    return list(
        s.scalars(
            select(MessageRow).where(
                MessageRow.tenant_id == tenant, MessageRow.call_message_id.in_(list(call_message_ids))
            )
        )
    )


def _filtered(stmt: SelectT, tenant: str, agent_id: str, flt: MessageFilter) -> SelectT:
    stmt = stmt.where(MessageRow.tenant_id == tenant, MessageRow.agent_id == agent_id)
    if flt.roles:
        stmt = stmt.where(MessageRow.role.in_([r.value for r in flt.roles]))
    if flt.start_time is not None:
        stmt = stmt.where(MessageRow.created_at >= as_utc(flt.start_time))
    if flt.end_time is not None:
        stmt = stmt.where(MessageRow.created_at <= as_utc(flt.end_time))
    return stmt


def page(
    s: Session,
    tenant: str,
    agent_id: str,
    flt: MessageFilter,
    *,
    after_sequence: int | None,
    descending: bool,
    limit: int,
) -> list[MessageRow]:
    stmt = _filtered(select(MessageRow), tenant, agent_id, flt)
    if after_sequence is not None:
        stmt = stmt.where(
            MessageRow.sequence < after_sequence if descending else MessageRow.sequence > after_sequence
        )
    order = MessageRow.sequence.desc() if descending else MessageRow.sequence.asc()
    return list(s.scalars(stmt.order_by(order).limit(limit)))


def newest(s: Session, tenant: str, agent_id: str, flt: MessageFilter, limit: int) -> list[MessageRow]:
    """Search without words: chat messages matching the filters, newest first."""
    stmt = _filtered(select(MessageRow), tenant, agent_id, flt).where(MessageRow.kind == Kind.CHAT.value)
    return list(s.scalars(stmt.order_by(MessageRow.sequence.desc()).limit(limit)))


def search(
    s: Session, tenant: str, agent_id: str, flt: MessageFilter, terms: Sequence[str], limit: int
) -> list[tuple[MessageRow, float]]:
    """Ranked matches (best first) for any of `terms`; scores are higher-is-better."""
    if s.get_bind().dialect.name == "postgresql":
        return _search_postgres(s, tenant, agent_id, flt, terms, limit)
    return _search_sqlite(s, tenant, agent_id, flt, terms, limit)


def _search_sqlite(
    s: Session, tenant: str, agent_id: str, flt: MessageFilter, terms: Sequence[str], limit: int
) -> list[tuple[MessageRow, float]]:
    # bm25() is negative, more negative = better; negate it so every backend scores higher-is-better.
    rank: ColumnElement[float] = literal_column("bm25(memory_messages_fts)")
    fts = table("memory_messages_fts", column("rowid"))
    stmt = (
        _filtered(select(MessageRow, (-rank).label("score")), tenant, agent_id, flt)
        .join_from(MessageRow, fts, fts.c.rowid == MessageRow.pk)
        .where(text("memory_messages_fts MATCH :match").bindparams(match=fts5_match(list(terms))))
        .order_by(rank, MessageRow.sequence.desc())
        .limit(limit)
    )
    return [(row, float(score)) for row, score in s.execute(stmt)]


def _search_postgres(
    s: Session, tenant: str, agent_id: str, flt: MessageFilter, terms: Sequence[str], limit: int
) -> list[tuple[MessageRow, float]]:
    # The literal 'english' (not a bound parameter) lets the planner match the GIN expression index.
    english: ColumnElement[str] = literal_column("'english'")
    vector = func.to_tsvector(english, MessageRow.search_text)
    query: Any = None
    for term in terms:  # each term a bound parameter: user text never becomes tsquery syntax
        one = func.plainto_tsquery(english, term)
        query = one if query is None else query.op("||")(one)
    score = func.ts_rank_cd(vector, query)
    stmt = (
        _filtered(select(MessageRow, score.label("score")), tenant, agent_id, flt)
        .where(vector.op("@@")(query))
        .order_by(score.desc(), MessageRow.sequence.desc())
        .limit(limit)
    )
    return [(row, float(sc)) for row, sc in s.execute(stmt)]


def to_message(row: MessageRow) -> Message:
    return Message(
        id=row.id,
        agent_id=row.agent_id,
        role=Role(row.role),
        kind=Kind(row.kind),
        content=row.content,
        tool_calls=tuple(ToolCall(c["id"], c["name"], c["arguments"]) for c in row.tool_calls),
        tool_call_id=row.tool_call_id,
        tool_name=row.tool_name,
        step_id=row.step_id,
        sequence=row.sequence,
        created_at=as_utc(row.created_at),
    )


def record_to_message(rec: MessageRecord) -> Message:
    id_, agent_id, role, kind, content, tool_calls, tool_call_id, tool_name, step_id, sequence, created = rec
    return Message(
        id=id_,
        agent_id=agent_id,
        role=Role(role),
        kind=Kind(kind),
        content=content,
        tool_calls=tuple(ToolCall(c["id"], c["name"], c["arguments"]) for c in decode_tool_calls(tool_calls)),
        tool_call_id=tool_call_id,
        tool_name=tool_name,
        step_id=step_id,
        sequence=sequence,
        created_at=as_utc(created),
    )


def new_values(
    *,
    id: str,
    tenant: str,
    agent_id: str,
    sequence: int,
    role: Role,
    kind: Kind,
    content: str,
    tool_calls: Sequence[ToolCall],
    tool_call_id: str,
    tool_name: str,
    call_message_id: str | None,
    step_id: str,
    search_text: str,
    created_at: datetime,
) -> dict[str, Any]:
    """The column values of a new message, for insert_values."""
    return {
        "id": id,
        "tenant_id": tenant,
        "agent_id": agent_id,
        "sequence": sequence,
        "role": role.value,
        "kind": kind.value,
        "content": content,
        "tool_calls": [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in tool_calls],
        "tool_call_id": tool_call_id,
        "tool_name": tool_name,
        "call_message_id": call_message_id,
        "step_id": step_id,
        "search_text": search_text,
        "created_at": as_utc(created_at),
    }
