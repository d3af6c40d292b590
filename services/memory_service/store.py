"""Persistence of blocks, agents and attachments: synchronous SQLAlchemy run inside Database.run.

Every function takes the tenant explicitly and every statement filters by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from memvisor_common.errors import NotFound
from memvisor_common.ids import new_id
from memvisor_common.timeutil import as_utc
from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from memory_service.domain import Block, BlockRef, NewBlock
from memory_service.errors import AlreadyAttached, LabelTaken
from memory_service.models import AgentRow, AttachmentRow, BlockRow

# Hot paths (every agent step) use prebuilt Core statements: no ORM identity map or flush, the
# SQL is compiled once and cached, and rows come back as plain tuples.
_agents = AgentRow.__table__
_blocks = BlockRow.__table__
_attachments = AttachmentRow.__table__

# ---- agents -------------------------------------------------------------------------------------


def get_agent(s: Session, tenant: str, agent_id: str, *, lock: bool = False) -> AgentRow | None:
    stmt = select(AgentRow).where(AgentRow.tenant_id == tenant, AgentRow.agent_id == agent_id)
    if lock:
        # PostgreSQL: serializes writers per agent (sequence numbers, context list). SQLite
        # ignores it; its BEGIN IMMEDIATE already serializes every writer.
        stmt = stmt.with_for_update()
    return s.scalars(stmt).one_or_none()


def require_agent(s: Session, tenant: str, agent_id: str, *, lock: bool = False) -> AgentRow:
    row = get_agent(s, tenant, agent_id, lock=lock)
    if row is None:
        raise NotFound("agent", agent_id)
    return row


_AGENT_MEMORY = select(
    _agents.c.summary, _agents.c.context_version, _agents.c.in_context_ids, _agents.c.message_count
).where(_agents.c.tenant_id == bindparam("tenant"), _agents.c.agent_id == bindparam("agent"))

_AGENT_SEQUENCE = select(_agents.c.last_sequence).where(
    _agents.c.tenant_id == bindparam("tenant"), _agents.c.agent_id == bindparam("agent")
)
# PostgreSQL: serializes writers per agent (sequence numbers, context list). SQLite renders no
# FOR UPDATE; its BEGIN IMMEDIATE already serializes every writer.
_LOCK_SEQUENCE = _AGENT_SEQUENCE.with_for_update()
_LOCK_SEQUENCE_AND_CONTEXT = _AGENT_SEQUENCE.add_columns(_agents.c.in_context_ids).with_for_update()

_BUMP_SEQUENCE = (
    update(_agents)
    .where(_agents.c.tenant_id == bindparam("tenant"), _agents.c.agent_id == bindparam("agent"))
    .values(
        last_sequence=bindparam("new_last", type_=_agents.c.last_sequence.type),
        message_count=_agents.c.message_count + bindparam("added", type_=_agents.c.message_count.type),
        updated_at=bindparam("now", type_=_agents.c.updated_at.type),
    )
)
_BUMP_SEQUENCE_AND_CONTEXT = _BUMP_SEQUENCE.values(
    in_context_ids=bindparam("context", type_=_agents.c.in_context_ids.type)
)


def agent_memory_row(conn: Connection, tenant: str, agent_id: str) -> tuple[str, int, list[str], int]:
    """(summary, context_version, in_context_ids, message_count); NotFound without the agent."""
    row = conn.execute(_AGENT_MEMORY, {"tenant": tenant, "agent": agent_id}).first()
    if row is None:
        raise NotFound("agent", agent_id)
    return row[0], row[1], row[2], row[3]


def lock_sequence(
    conn: Connection, tenant: str, agent_id: str, *, with_context: bool
) -> tuple[int, list[str] | None]:
    """Locks the agent row (PostgreSQL) and reads (last_sequence, in_context_ids or None)."""
    params = {"tenant": tenant, "agent": agent_id}
    row = conn.execute(_LOCK_SEQUENCE_AND_CONTEXT if with_context else _LOCK_SEQUENCE, params).first()
    if row is None:
        raise NotFound("agent", agent_id)
    return (row[0], row[1]) if with_context else (row[0], None)


def bump_sequence(
    conn: Connection,
    tenant: str,
    agent_id: str,
    *,
    new_last: int,
    added: int,
    context: list[str] | None,
    now: datetime,
) -> None:
    """After appending: the new last sequence and count, and the context list when it changed."""
    params: dict[str, Any] = {
        "tenant": tenant,
        "agent": agent_id,
        "new_last": new_last,
        "added": added,
        "now": now,
    }
    if context is None:
        conn.execute(_BUMP_SEQUENCE, params)
    else:
        params["context"] = context
        conn.execute(_BUMP_SEQUENCE_AND_CONTEXT, params)


def insert_agent(s: Session, tenant: str, agent_id: str, now: datetime) -> AgentRow:
    row = AgentRow(
        tenant_id=tenant,
        agent_id=agent_id,
        summary="",
        context_version=1,
        in_context_ids=[],
        last_sequence=0,
        message_count=0,
        created_at=now,
        updated_at=now,
    )
    s.add(row)
    s.flush()
    return row


def delete_agent(s: Session, tenant: str, agent_id: str) -> None:
    """Attachments and the context row; messages are deleted by the message store first."""
    s.execute(
        delete(AttachmentRow).where(AttachmentRow.tenant_id == tenant, AttachmentRow.agent_id == agent_id)
    )
    s.execute(delete(AgentRow).where(AgentRow.tenant_id == tenant, AgentRow.agent_id == agent_id))


# ---- blocks -------------------------------------------------------------------------------------


def get_block(s: Session, tenant: str, block_id: str, *, lock: bool = False) -> BlockRow | None:
    stmt = select(BlockRow).where(BlockRow.tenant_id == tenant, BlockRow.id == block_id)
    if lock:
        stmt = stmt.with_for_update()
    return s.scalars(stmt).one_or_none()


def resolve_block(s: Session, tenant: str, ref: BlockRef, *, lock: bool = False) -> BlockRow:
    if ref.block_id:
        row = get_block(s, tenant, ref.block_id, lock=lock)
        if row is None:
            raise NotFound("block", ref.block_id)
        return row
    require_agent(s, tenant, ref.agent_id)
    stmt = (
        select(BlockRow)
        .join(AttachmentRow, (AttachmentRow.block_id == BlockRow.id) & (AttachmentRow.tenant_id == tenant))
        .where(
            BlockRow.tenant_id == tenant,
            AttachmentRow.agent_id == ref.agent_id,
            AttachmentRow.label == ref.label,
        )
    )
    if lock:
        stmt = stmt.with_for_update(of=BlockRow)
    row = s.scalars(stmt).one_or_none()
    if row is None:
        raise NotFound("block", f"{ref.agent_id}/{ref.label}")
    return row


def insert_block(s: Session, tenant: str, block: NewBlock, now: datetime) -> BlockRow:
    row = BlockRow(
        id=new_id("block"),
        tenant_id=tenant,
        label=block.label,
        value=block.value,
        char_limit=block.limit,
        description=block.description,
        read_only=block.read_only,
        version=1,
        created_at=now,
        updated_at=now,
    )
    s.add(row)
    s.flush()
    return row


def compare_and_swap(s: Session, tenant: str, row: BlockRow, changes: dict[str, Any], now: datetime) -> bool:
    """UPDATE ... WHERE version = <the version read>: False when a concurrent writer got there first."""
    result = s.execute(
        update(BlockRow)
        .where(BlockRow.tenant_id == tenant, BlockRow.id == row.id, BlockRow.version == row.version)
        .values(**changes, version=row.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    s.refresh(row)
    return True


def delete_block(s: Session, tenant: str, block_id: str) -> bool:
    s.execute(
        delete(AttachmentRow).where(AttachmentRow.tenant_id == tenant, AttachmentRow.block_id == block_id)
    )
    result = s.execute(delete(BlockRow).where(BlockRow.tenant_id == tenant, BlockRow.id == block_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_blocks(s: Session, tenant: str, *, label: str, after_pk: int, limit: int) -> list[BlockRow]:
    stmt = select(BlockRow).where(BlockRow.tenant_id == tenant, BlockRow.pk > after_pk)
    if label:
        stmt = stmt.where(BlockRow.label == label)
    return list(s.scalars(stmt.order_by(BlockRow.pk).limit(limit)))


def agent_blocks(
    s: Session,
    tenant: str,
    agent_id: str,
    *,
    label: str = "",
    after_position: int = -1,
    limit: int | None = None,
) -> list[tuple[BlockRow, int]]:
    """An agent's blocks in attachment order, with their positions."""
    stmt = (
        select(BlockRow, AttachmentRow.position)
        .join(AttachmentRow, (AttachmentRow.block_id == BlockRow.id) & (AttachmentRow.tenant_id == tenant))
        .where(
            BlockRow.tenant_id == tenant,
            AttachmentRow.agent_id == agent_id,
            AttachmentRow.position > after_position,
        )
        .order_by(AttachmentRow.position)
    )
    if label:
        stmt = stmt.where(AttachmentRow.label == label)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(row, position) for row, position in s.execute(stmt)]


_owners = _attachments.alias("owners")
# An agent's blocks in attachment order, each with every agent it is attached to (ordered as
# agent_ids_of orders them): one row per (block, owner), so one statement instead of two.
_AGENT_BLOCKS_WITH_OWNERS = (
    select(
        _blocks.c.id,
        _blocks.c.label,
        _blocks.c.value,
        _blocks.c.char_limit,
        _blocks.c.description,
        _blocks.c.read_only,
        _blocks.c.version,
        _blocks.c.created_at,
        _blocks.c.updated_at,
        _owners.c.agent_id,
    )
    .join(
        _attachments,
        (_attachments.c.block_id == _blocks.c.id) & (_attachments.c.tenant_id == bindparam("tenant")),
    )
    .join(_owners, (_owners.c.block_id == _blocks.c.id) & (_owners.c.tenant_id == bindparam("tenant")))
    .where(_blocks.c.tenant_id == bindparam("tenant"), _attachments.c.agent_id == bindparam("agent"))
    .order_by(_attachments.c.position, _blocks.c.pk, _owners.c.attached_at, _owners.c.agent_id)
)


def agent_block_values(conn: Connection, tenant: str, agent_id: str) -> list[Block]:
    """All of an agent's blocks in attachment order, with their agent ids (as to_blocks gives)."""
    out: list[Block] = []
    current: list[Any] | None = None
    owners: list[str] = []
    for bid, label, value, limit, description, read_only, version, created, updated, owner in conn.execute(
        _AGENT_BLOCKS_WITH_OWNERS, {"tenant": tenant, "agent": agent_id}
    ):
        if current is None or current[0] != bid:
            if current is not None:
                out.append(_block_of(current, owners))
            current = [bid, label, value, limit, description, read_only, version, created, updated]
            owners = []
        owners.append(owner)
    if current is not None:
        out.append(_block_of(current, owners))
    return out


def _block_of(values: list[Any], owners: list[str]) -> Block:
    bid, label, value, limit, description, read_only, version, created, updated = values
    return Block(
        id=bid,
        label=label,
        value=value,
        limit=limit,
        description=description,
        read_only=read_only,
        version=version,
        agent_ids=tuple(owners),
        created_at=as_utc(created),
        updated_at=as_utc(updated),
    )


# ---- attachments --------------------------------------------------------------------------------


def agent_ids_of(s: Session, tenant: str, block_ids: Iterable[str]) -> dict[str, list[str]]:
    ids = list(block_ids)
    out: dict[str, list[str]] = {b: [] for b in ids}
    if not ids:
        return out
    rows = s.execute(
        select(AttachmentRow.block_id, AttachmentRow.agent_id)
        .where(AttachmentRow.tenant_id == tenant, AttachmentRow.block_id.in_(ids))
        .order_by(AttachmentRow.attached_at, AttachmentRow.agent_id)
    )
    for block_id, agent_id in rows:
        out[block_id].append(agent_id)
    return out


def attach(s: Session, tenant: str, agent_id: str, block: BlockRow, now: datetime) -> None:
    """Attaches at the end of the agent's list. The caller holds the agent row's lock."""
    existing = s.execute(
        select(AttachmentRow.block_id, AttachmentRow.label).where(
            AttachmentRow.tenant_id == tenant, AttachmentRow.agent_id == agent_id
        )
    ).all()
    for other_id, other_label in existing:
        if other_id == block.id:
            raise AlreadyAttached(agent_id, block.id)
        if other_label == block.label:
            raise LabelTaken(agent_id, block.label)
    position = s.scalar(
        select(func.coalesce(func.max(AttachmentRow.position), -1)).where(
            AttachmentRow.tenant_id == tenant, AttachmentRow.agent_id == agent_id
        )
    )
    s.add(
        AttachmentRow(
            tenant_id=tenant,
            agent_id=agent_id,
            block_id=block.id,
            label=block.label,
            position=int(position if position is not None else -1) + 1,
            attached_at=now,
        )
    )
    s.flush()


def detach(s: Session, tenant: str, agent_id: str, block_id: str) -> bool:
    result = s.execute(
        delete(AttachmentRow).where(
            AttachmentRow.tenant_id == tenant,
            AttachmentRow.agent_id == agent_id,
            AttachmentRow.block_id == block_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def check_label_free(s: Session, tenant: str, block_id: str, new_label: str) -> None:
    """A relabelled block must not collide with another block of any agent it is attached to."""
    clash = s.execute(
        select(AttachmentRow.agent_id)
        .where(
            AttachmentRow.tenant_id == tenant,
            AttachmentRow.label == new_label,
            AttachmentRow.block_id != block_id,
            AttachmentRow.agent_id.in_(
                select(AttachmentRow.agent_id).where(
                    AttachmentRow.tenant_id == tenant, AttachmentRow.block_id == block_id
                )
            ),
        )
        .limit(1)
    ).scalar_one_or_none()
    if clash is not None:
        raise LabelTaken(clash, new_label)


def relabel_attachments(s: Session, tenant: str, block_id: str, new_label: str) -> None:
    s.execute(
        update(AttachmentRow)
        .where(AttachmentRow.tenant_id == tenant, AttachmentRow.block_id == block_id)
        .values(label=new_label)
    )


# ---- conversion ---------------------------------------------------------------------------------


def to_block(row: BlockRow, agent_ids: Sequence[str]) -> Block:
    return Block(
        id=row.id,
        label=row.label,
        value=row.value,
        limit=row.char_limit,
        description=row.description,
        read_only=row.read_only,
        version=row.version,
        agent_ids=tuple(agent_ids),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def to_blocks(s: Session, tenant: str, rows: Sequence[BlockRow]) -> list[Block]:
    owners = agent_ids_of(s, tenant, [r.id for r in rows])
    return [to_block(r, owners[r.id]) for r in rows]
