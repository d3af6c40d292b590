"""SQL access for sources, files, ingestion jobs and agent attachments (tenant-filtered)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from archival_service import store
from archival_service.models import AgentSourceRow, FileRow, JobRow, PassageRow, SourceRow

PENDING, PARSING, EMBEDDING, COMPLETED, FAILED = "pending", "parsing", "embedding", "completed", "failed"
UNFINISHED = (PENDING, PARSING, EMBEDDING)


def get_source(session: Session, tenant_id: str, source_id: str) -> SourceRow | None:
    return session.scalar(select(SourceRow).where(SourceRow.tenant_id == tenant_id, SourceRow.id == source_id))


def get_source_by_name(session: Session, tenant_id: str, name: str) -> SourceRow | None:
    return session.scalar(select(SourceRow).where(SourceRow.tenant_id == tenant_id, SourceRow.name == name))


def list_sources(session: Session, tenant_id: str, after: tuple[datetime, str] | None, limit: int) -> list[SourceRow]:
    query = select(SourceRow).where(SourceRow.tenant_id == tenant_id)
    if after is not None:
        query = query.where(tuple_(SourceRow.create_time, SourceRow.id) > tuple_(*after))
    return list(session.scalars(query.order_by(SourceRow.create_time, SourceRow.id).limit(limit)).all())


def source_counts(session: Session, tenant_id: str, source: SourceRow) -> tuple[int, int]:
    """(passages, files) of a source."""
    passages = store.count_passages(session, tenant_id, [source.archive_id])
    files = session.scalar(select(func.count()).select_from(FileRow).where(
        FileRow.tenant_id == tenant_id, FileRow.source_id == source.id)) or 0
    return passages, int(files)


def delete_source(session: Session, tenant_id: str, source: SourceRow) -> None:
    session.execute(delete(AgentSourceRow).where(AgentSourceRow.tenant_id == tenant_id,
                                                 AgentSourceRow.source_id == source.id))
    session.execute(delete(JobRow).where(JobRow.tenant_id == tenant_id, JobRow.source_id == source.id))
    session.execute(delete(FileRow).where(FileRow.tenant_id == tenant_id, FileRow.source_id == source.id))
    archive_id = source.archive_id
    session.execute(delete(SourceRow).where(SourceRow.tenant_id == tenant_id, SourceRow.id == source.id))
    store.delete_archive(session, tenant_id, archive_id)


# --- attachments -----------------------------------------------------------------------------

def attach(session: Session, tenant_id: str, agent_id: str, source_id: str, now: datetime) -> None:
    exists = session.scalar(select(AgentSourceRow).where(
        AgentSourceRow.tenant_id == tenant_id, AgentSourceRow.agent_id == agent_id,
        AgentSourceRow.source_id == source_id))
    if exists is None:
        session.add(AgentSourceRow(tenant_id=tenant_id, agent_id=agent_id, source_id=source_id, create_time=now))


def detach(session: Session, tenant_id: str, agent_id: str, source_id: str) -> None:
    session.execute(delete(AgentSourceRow).where(
        AgentSourceRow.tenant_id == tenant_id, AgentSourceRow.agent_id == agent_id,
        AgentSourceRow.source_id == source_id))


def detach_all(session: Session, tenant_id: str, agent_id: str) -> None:
    session.execute(delete(AgentSourceRow).where(AgentSourceRow.tenant_id == tenant_id,
                                                 AgentSourceRow.agent_id == agent_id))


def agent_sources(session: Session, tenant_id: str, agent_id: str) -> list[SourceRow]:
    return list(session.scalars(
        select(SourceRow).join(AgentSourceRow, AgentSourceRow.source_id == SourceRow.id)
        .where(AgentSourceRow.tenant_id == tenant_id, AgentSourceRow.agent_id == agent_id,
               SourceRow.tenant_id == tenant_id)
        .order_by(AgentSourceRow.create_time)
    ).all())


# --- files and jobs ----------------------------------------------------------------------------

def list_files(session: Session, tenant_id: str, source_id: str, after: tuple[datetime, str] | None,
               limit: int) -> list[FileRow]:
    query = select(FileRow).where(FileRow.tenant_id == tenant_id, FileRow.source_id == source_id)
    if after is not None:
        query = query.where(tuple_(FileRow.create_time, FileRow.id) > tuple_(*after))
    return list(session.scalars(query.order_by(FileRow.create_time, FileRow.id).limit(limit)).all())


def get_file(session: Session, tenant_id: str, file_id: str) -> FileRow | None:
    return session.scalar(select(FileRow).where(FileRow.tenant_id == tenant_id, FileRow.id == file_id))


def get_job(session: Session, tenant_id: str, job_id: str) -> JobRow | None:
    return session.scalar(select(JobRow).where(JobRow.tenant_id == tenant_id, JobRow.id == job_id))


def update_job(session: Session, tenant_id: str, job_id: str, **values: Any) -> None:
    session.execute(update(JobRow).where(JobRow.tenant_id == tenant_id, JobRow.id == job_id).values(**values))


def unfinished_jobs(session: Session) -> list[JobRow]:
    """Every tenant's unfinished jobs: only for resuming them at start-up."""
    return list(session.scalars(select(JobRow).where(JobRow.status.in_(UNFINISHED)).order_by(JobRow.create_time)))


def set_file_passage_count(session: Session, tenant_id: str, file_id: str) -> int:
    count = int(session.scalar(select(func.count()).select_from(PassageRow).where(
        PassageRow.tenant_id == tenant_id, PassageRow.file_id == file_id)) or 0)
    session.execute(update(FileRow).where(FileRow.tenant_id == tenant_id, FileRow.id == file_id)
                    .values(passage_count=count))
    return count
