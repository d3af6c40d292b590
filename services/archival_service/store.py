"""SQL access for archives and passages. Plain synchronous functions of a Session (run them
through `Database.run`); every query filters by tenant_id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, Integer, ScalarSelect, Select, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session, defer

from archival_service.models import AgentSourceRow, ArchiveRow, PassageRow, PassageTagRow, SourceRow


@dataclass(frozen=True, slots=True)
class NewPassage:
    """A passage ready to store (already embedded)."""

    id: str
    text: str
    tags: list[str]
    metadata: dict[str, str]
    create_time: datetime
    client_id: str | None
    chunk_index: int
    embedding: np.ndarray
    source_id: str | None = None
    file_id: str | None = None


# --- archives ---------------------------------------------------------------------------------

def get_archive(session: Session, tenant_id: str, archive_id: str) -> ArchiveRow | None:
    return session.scalar(select(ArchiveRow).where(ArchiveRow.tenant_id == tenant_id, ArchiveRow.id == archive_id))


def get_agent_archive(session: Session, tenant_id: str, agent_id: str) -> ArchiveRow | None:
    return session.scalar(
        select(ArchiveRow).where(ArchiveRow.tenant_id == tenant_id, ArchiveRow.agent_id == agent_id)
    )


def searchable_archives(session: Session, tenant_id: str, agent_id: str) -> list[ArchiveRow]:
    """The agent's own archive (if any) followed by the archives of its attached sources."""
    own = get_agent_archive(session, tenant_id, agent_id)
    attached = session.scalars(
        select(ArchiveRow)
        .join(SourceRow, SourceRow.archive_id == ArchiveRow.id)
        .join(AgentSourceRow, AgentSourceRow.source_id == SourceRow.id)
        .where(AgentSourceRow.tenant_id == tenant_id, AgentSourceRow.agent_id == agent_id,
               SourceRow.tenant_id == tenant_id, ArchiveRow.tenant_id == tenant_id)
        .order_by(AgentSourceRow.create_time)
    ).all()
    return ([own] if own else []) + list(attached)


def all_archives(session: Session) -> list[ArchiveRow]:
    """Every tenant's archives: only for start-up reconciliation, which is not a tenant request."""
    return list(session.scalars(select(ArchiveRow)).all())


def delete_archive(session: Session, tenant_id: str, archive_id: str) -> None:
    # Bulk deletes: tags go with their passages through ON DELETE CASCADE.
    session.execute(delete(PassageTagRow).where(PassageTagRow.tenant_id == tenant_id,
                                                PassageTagRow.archive_id == archive_id))
    session.execute(delete(PassageRow).where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id == archive_id))
    session.execute(delete(ArchiveRow).where(ArchiveRow.tenant_id == tenant_id, ArchiveRow.id == archive_id))


# --- passages ---------------------------------------------------------------------------------

def find_by_client_ids(session: Session, tenant_id: str, archive_id: str,
                       client_ids: Sequence[str]) -> dict[str, list[PassageRow]]:
    if not client_ids:
        return {}
    rows = session.scalars(
        select(PassageRow)
        .where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id == archive_id,
               PassageRow.client_id.in_(list(client_ids)))
        .order_by(PassageRow.chunk_index)
    ).all()
    out: dict[str, list[PassageRow]] = {}
    for row in rows:
        out.setdefault(row.client_id or "", []).append(row)
    return out


def insert_passages(session: Session, tenant_id: str, archive_id: str, passages: Sequence[NewPassage]) -> list[PassageRow]:
    rows = [
        PassageRow(
            id=p.id, tenant_id=tenant_id, archive_id=archive_id, text=p.text, tags=list(p.tags),
            meta=dict(p.metadata), create_time=p.create_time, client_id=p.client_id, chunk_index=p.chunk_index,
            source_id=p.source_id, file_id=p.file_id,
            embedding=np.ascontiguousarray(p.embedding, dtype=np.float32).tobytes(),
        )
        for p in passages
    ]
    session.add_all(rows)
    session.flush()  # assigns row_id, needed for the tag rows and the vector index
    tag_rows = [
        {"passage_row_id": row.row_id, "tag": tag, "tenant_id": tenant_id, "archive_id": archive_id}
        for row in rows
        for tag in dict.fromkeys(row.tags)
    ]
    if tag_rows:
        session.execute(PassageTagRow.__table__.insert(), tag_rows)
    return rows


def get_passage(session: Session, tenant_id: str, passage_id: str) -> PassageRow | None:
    return session.scalar(select(PassageRow).where(PassageRow.tenant_id == tenant_id, PassageRow.id == passage_id))


def delete_passage(session: Session, tenant_id: str, row: PassageRow) -> None:
    session.execute(delete(PassageTagRow).where(PassageTagRow.passage_row_id == row.row_id))
    session.execute(delete(PassageRow).where(PassageRow.tenant_id == tenant_id, PassageRow.row_id == row.row_id))


def passages_by_row_ids(session: Session, tenant_id: str, archive_ids: Sequence[str],
                        row_ids: Sequence[int]) -> dict[int, PassageRow]:
    if not row_ids:
        return {}
    # Search hits never need their vectors back: skip the 1.5 KB blob per row (raise if anyone asks).
    rows = session.scalars(
        select(PassageRow)
        .options(defer(PassageRow.embedding, raiseload=True))
        .where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id.in_(list(archive_ids)),
               PassageRow.row_id.in_(list(row_ids)))
    ).all()
    return {r.row_id: r for r in rows}


def list_passages(session: Session, tenant_id: str, archive_id: str, after_row_id: int, limit: int) -> list[PassageRow]:
    return list(session.scalars(
        select(PassageRow)
        .where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id == archive_id,
               PassageRow.row_id > after_row_id)
        .order_by(PassageRow.row_id)
        .limit(limit)
    ).all())


def filtered_row_ids(session: Session, tenant_id: str, archive_id: str, *, tags: Sequence[str], match_all: bool,
                     start: datetime | None, end: datetime | None, limit: int) -> list[int]:
    """Row ids passing the tag and time filters (at most `limit` + 1, to detect overflow)."""
    query = select(PassageRow.row_id).where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id == archive_id)
    if start is not None:
        query = query.where(PassageRow.create_time >= start)
    if end is not None:
        query = query.where(PassageRow.create_time <= end)
    if tags:
        wanted = list(dict.fromkeys(tags))
        tagged = select(PassageTagRow.passage_row_id).where(
            PassageTagRow.tenant_id == tenant_id, PassageTagRow.archive_id == archive_id, PassageTagRow.tag.in_(wanted)
        )
        if match_all:
            tagged = tagged.group_by(PassageTagRow.passage_row_id).having(
                func.count(PassageTagRow.tag) == len(wanted))
        query = query.where(PassageRow.row_id.in_(tagged))
    return list(session.scalars(query.limit(limit + 1)).all())


def embeddings_of(session: Session, tenant_id: str | None, row_ids: Sequence[int]) -> tuple[np.ndarray, list[bytes]]:
    query = select(PassageRow.row_id, PassageRow.embedding).where(PassageRow.row_id.in_(list(row_ids)))
    if tenant_id is not None:
        query = query.where(PassageRow.tenant_id == tenant_id)
    rows = session.execute(query).all()
    return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]


def iter_embedding_batches(db_run_sync, row_ids: list[int], dim: int, batch: int = 5000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Vectors of `row_ids` in batches (for index reconciliation)."""
    for start in range(0, len(row_ids), batch):
        ids, blobs = db_run_sync(lambda s, part=row_ids[start : start + batch]: embeddings_of(s, None, part))
        if len(ids):
            yield ids, np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), dim)


def archive_row_ids(session: Session, archive_id: str) -> np.ndarray:
    ids = session.scalars(select(PassageRow.row_id).where(PassageRow.archive_id == archive_id)).all()
    return np.array(ids, dtype=np.int64)


def count_passages(session: Session, tenant_id: str, archive_ids: Sequence[str]) -> int:
    if not archive_ids:
        return 0
    return int(session.scalar(select(func.count()).select_from(PassageRow).where(
        PassageRow.tenant_id == tenant_id, PassageRow.archive_id.in_(list(archive_ids)))) or 0)


# --- stats (read on every agent step: prebuilt Core statements, two round trips) ---------------

_archives, _passages, _tags = ArchiveRow.__table__, PassageRow.__table__, PassageTagRow.__table__
_sources, _agent_sources = SourceRow.__table__, AgentSourceRow.__table__

# The agent's own archive (at most one: unique per tenant and agent).
_OWN_ARCHIVE = select(_archives.c.id).where(
    _archives.c.tenant_id == bindparam("tenant"), _archives.c.agent_id == bindparam("agent"))
# Archives of the sources attached to the agent (what searchable_archives lists after its own).
_SOURCE_ARCHIVES = (
    select(_archives.c.id)
    .join(_sources, _sources.c.archive_id == _archives.c.id)
    .join(_agent_sources, _agent_sources.c.source_id == _sources.c.id)
    .where(_agent_sources.c.tenant_id == bindparam("tenant"), _agent_sources.c.agent_id == bindparam("agent"),
           _sources.c.tenant_id == bindparam("tenant"), _archives.c.tenant_id == bindparam("tenant"),
           or_(_archives.c.agent_id.is_(None), _archives.c.agent_id != bindparam("agent")))
)


def _passages_in(archive_ids: Select) -> ScalarSelect:
    # Counted from the (tenant_id, archive_id, row_id) index alone.
    return (select(func.count()).select_from(_passages)
            .where(_passages.c.tenant_id == bindparam("tenant"), _passages.c.archive_id.in_(archive_ids))
            .scalar_subquery())


_PASSAGE_COUNTS = select(_passages_in(_OWN_ARCHIVE), _passages_in(_SOURCE_ARCHIVES))
_OWN_TAGS = (
    select(_tags.c.tag)
    .where(_tags.c.tenant_id == bindparam("tenant"), _tags.c.archive_id == _OWN_ARCHIVE.scalar_subquery())
    .distinct().order_by(_tags.c.tag).limit(bindparam("limit", type_=Integer))
)


def passage_counts(conn: Connection, tenant_id: str, agent_id: str) -> tuple[int, int]:
    """(passages in the agent's own archive, passages in its attached sources' archives)."""
    own, from_sources = conn.execute(_PASSAGE_COUNTS, {"tenant": tenant_id, "agent": agent_id}).one()
    return int(own or 0), int(from_sources or 0)


def own_archive_tags(conn: Connection, tenant_id: str, agent_id: str, limit: int = 200) -> list[str]:
    """The distinct tags of the agent's own archive, sorted, at most `limit`; [] without one."""
    return list(conn.execute(_OWN_TAGS, {"tenant": tenant_id, "agent": agent_id, "limit": limit}).scalars())


def filtered_row_ids_among(session: Session, tenant_id: str, archive_id: str, candidates: Sequence[int], *,
                           tags: Sequence[str], match_all: bool, start: datetime | None,
                           end: datetime | None) -> list[int]:
    """Those of `candidates` that pass the filters (post-filtering an index search)."""
    if not candidates:
        return []
    query = select(PassageRow.row_id).where(PassageRow.tenant_id == tenant_id, PassageRow.archive_id == archive_id,
                                            PassageRow.row_id.in_(list(candidates)))
    if start is not None:
        query = query.where(PassageRow.create_time >= start)
    if end is not None:
        query = query.where(PassageRow.create_time <= end)
    if tags:
        wanted = list(dict.fromkeys(tags))
        tagged = select(PassageTagRow.passage_row_id).where(
            PassageTagRow.tenant_id == tenant_id, PassageTagRow.archive_id == archive_id, PassageTagRow.tag.in_(wanted)
        )
        if match_all:
            tagged = tagged.group_by(PassageTagRow.passage_row_id).having(func.count(PassageTagRow.tag) == len(wanted))
        query = query.where(PassageRow.row_id.in_(tagged))
    return list(session.scalars(query).all())
