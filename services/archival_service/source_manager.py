"""Sources, uploaded files, ingestion jobs and agent attachments."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from archival_service import source_store, store
from archival_service.ingestion.runner import JobRunner
from archival_service.manager import ArchiveManager
from archival_service.models import ArchiveRow, FileRow, JobRow, SourceRow
from archival_service.settings import ArchivalSettings
from memvisor_common import ids, paging, validation
from memvisor_common.db import Database
from memvisor_common.errors import AlreadyExists, ErrorCode, InvalidArgument, MemvisorError, NotFound
from memvisor_common.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 256
MAX_DESCRIPTION_CHARS = 10_000
MAX_FILE_NAME_CHARS = 1024
_WATCH_POLL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source with its archive's embedding and its counts."""

    source: SourceRow
    archive: ArchiveRow
    passage_count: int
    file_count: int


@dataclass(frozen=True, slots=True)
class UploadHeader:
    source_id: str
    file_name: str
    content_type: str = ""


def _cursor(row: SourceRow | FileRow) -> dict[str, str]:
    return {"t": as_utc(row.create_time).isoformat(), "i": row.id}


def _after(cursor: dict | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        return datetime.fromisoformat(cursor["t"]), str(cursor["i"])
    except (KeyError, ValueError):
        raise InvalidArgument("page_token", "is not a token this server issued") from None


class SourceManager:
    """Domain operations on sources, files, jobs and attachments (no gRPC here)."""

    def __init__(self, db: Database, archives: ArchiveManager, runner: JobRunner, settings: ArchivalSettings,
                 upload_dir: Path) -> None:
        self.db = db
        self.archives = archives
        self.runner = runner
        self.settings = settings
        self.upload_dir = upload_dir

    def _view(self, session, tenant_id: str, source: SourceRow) -> SourceView:
        archive = store.get_archive(session, tenant_id, source.archive_id)
        passages, files = source_store.source_counts(session, tenant_id, source)
        return SourceView(source, archive, passages, files)

    async def _require_source(self, tenant_id: str, source_id: str) -> SourceView:
        validation.require_id("source_id", source_id, "source")

        def tx(session) -> SourceView:
            source = source_store.get_source(session, tenant_id, source_id)
            if source is None:
                raise NotFound("source", source_id)
            return self._view(session, tenant_id, source)

        return await self.db.run(tx)

    # --- sources -------------------------------------------------------------------------

    async def create_source(self, tenant_id: str, name: str, description: str = "", embedding: str = "",
                            metadata: dict[str, str] | None = None) -> SourceView:
        validation.require("name", name)
        validation.max_length("name", name, MAX_NAME_CHARS)
        validation.max_length("description", description, MAX_DESCRIPTION_CHARS)
        source_id = ids.new_id("source")
        archive = await self.archives.create_archive(tenant_id, name=f"source {name}", embedding=embedding,
                                                     source_id=source_id)
        source = SourceRow(id=source_id, tenant_id=tenant_id, name=name.strip(), description=description,
                           meta=dict(metadata or {}), archive_id=archive.id, create_time=archive.create_time)

        def tx(session) -> SourceView:
            if source_store.get_source_by_name(session, tenant_id, source.name) is not None:
                raise AlreadyExists("source", source.name)
            session.add(archive)
            session.flush()
            session.add(source)
            session.flush()
            return SourceView(source, archive, 0, 0)

        try:
            return await self.db.run(tx)
        except IntegrityError:
            raise AlreadyExists("source", source.name) from None

    async def get_source(self, tenant_id: str, source_id: str) -> SourceView:
        return await self._require_source(tenant_id, source_id)

    async def list_sources(self, tenant_id: str, page_size: int, page_token: str) -> tuple[list[SourceView], str]:
        size = paging.resolve_page_size(page_size)
        after = _after(paging.decode_page_token(page_token, {}))

        def tx(session) -> list[SourceView]:
            rows = source_store.list_sources(session, tenant_id, after, size + 1)
            return [self._view(session, tenant_id, r) for r in rows]

        views = await self.db.run(tx)
        token = paging.encode_page_token(_cursor(views[size - 1].source), {}) if len(views) > size else ""
        return views[:size], token

    async def delete_source(self, tenant_id: str, source_id: str) -> None:
        view = await self._require_source(tenant_id, source_id)

        def running(session) -> list[str]:
            return [j.id for j in source_store.unfinished_jobs(session)
                    if j.tenant_id == tenant_id and j.source_id == source_id]

        await self.runner.cancel(await self.db.run(running))
        staged: list[str] = []

        def tx(session) -> None:
            source = source_store.get_source(session, tenant_id, source_id)
            if source is None:
                raise NotFound("source", source_id)
            staged.extend(j.staged_path for j in source_store.unfinished_jobs(session)
                          if j.tenant_id == tenant_id and j.source_id == source_id and j.staged_path)
            source_store.delete_source(session, tenant_id, source)

        await self.db.run(tx)
        for path in staged:
            Path(path).unlink(missing_ok=True)
        self.archives.indexes.drop(view.archive.id)

    # --- files and jobs -------------------------------------------------------------------

    async def upload(self, tenant_id: str, header: UploadHeader, chunks: AsyncIterator[bytes]) -> tuple[FileRow, JobRow]:
        """Stages the bytes on disk (never all in memory), records file + job, starts the job."""
        validation.require("header.file_name", header.file_name)
        validation.max_length("header.file_name", header.file_name, MAX_FILE_NAME_CHARS)
        file_name = Path(header.file_name.replace("\\", "/")).name
        if not file_name:
            raise InvalidArgument("header.file_name", "must name a file")
        await self._require_source(tenant_id, header.source_id)
        file_id, job_id = ids.new_id("file"), ids.new_id("job")
        staged = self.upload_dir / f"{file_id}.upload"
        size = 0
        try:
            with staged.open("wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.settings.max_upload_bytes:
                        raise MemvisorError(
                            f"file is larger than the limit of {self.settings.max_upload_bytes} bytes",
                            reason="UPLOAD_TOO_LARGE", code=ErrorCode.RESOURCE_EXHAUSTED,
                            metadata={"limit": str(self.settings.max_upload_bytes)})
                    out.write(chunk)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        now = utcnow()
        file = FileRow(id=file_id, tenant_id=tenant_id, source_id=header.source_id, file_name=file_name,
                       content_type=header.content_type, size_bytes=size, passage_count=0, job_id=job_id,
                       create_time=now)
        job = JobRow(id=job_id, tenant_id=tenant_id, source_id=header.source_id, file_id=file_id,
                     status=source_store.PENDING, failure_reason="", progress=0.0, total_chunks=0,
                     processed_chunks=0, staged_path=str(staged), create_time=now, update_time=now)

        def tx(session) -> None:
            if source_store.get_source(session, tenant_id, header.source_id) is None:
                raise NotFound("source", header.source_id)
            session.add(file)
            session.add(job)

        try:
            await self.db.run(tx)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        self.runner.submit(tenant_id, job_id)
        log.info("file uploaded", extra={"file_id": file_id, "job_id": job_id, "bytes": size})
        return file, job

    async def list_files(self, tenant_id: str, source_id: str, page_size: int, page_token: str
                         ) -> tuple[list[FileRow], str]:
        await self._require_source(tenant_id, source_id)
        size = paging.resolve_page_size(page_size)
        filters = {"source_id": source_id}
        after = _after(paging.decode_page_token(page_token, filters))
        rows = await self.db.run(lambda s: source_store.list_files(s, tenant_id, source_id, after, size + 1))
        token = paging.encode_page_token(_cursor(rows[size - 1]), filters) if len(rows) > size else ""
        return rows[:size], token

    async def get_job(self, tenant_id: str, job_id: str) -> JobRow:
        validation.require_id("job_id", job_id, "job")
        job = await self.db.run(lambda s: source_store.get_job(s, tenant_id, job_id))
        if job is None:
            raise NotFound("job", job_id)
        return job

    async def watch_job(self, tenant_id: str, job_id: str) -> AsyncIterator[JobRow]:
        """The job now, then at every change, ending after it completes or fails."""
        job = await self.get_job(tenant_id, job_id)
        last = None
        while True:
            state = (job.status, job.processed_chunks, job.total_chunks, job.failure_reason)
            if state != last:
                last = state
                yield job
            if job.status not in source_store.UNFINISHED:
                return
            await self.runner.wait_for_change(_WATCH_POLL_SECONDS)
            job = await self.get_job(tenant_id, job_id)

    # --- attachments ---------------------------------------------------------------------------

    async def attach(self, tenant_id: str, agent_id: str, source_id: str) -> SourceView:
        validation.require_id("agent_id", agent_id, "agent")
        validation.require_id("source_id", source_id, "source")

        def tx(session) -> SourceView:
            source = source_store.get_source(session, tenant_id, source_id)
            if source is None:
                raise NotFound("source", source_id)
            source_store.attach(session, tenant_id, agent_id, source_id, utcnow())
            return self._view(session, tenant_id, source)

        try:
            return await self.db.run(tx)
        except IntegrityError:  # attached concurrently: same outcome
            return await self._require_source(tenant_id, source_id)

    async def detach(self, tenant_id: str, agent_id: str, source_id: str) -> None:
        validation.require_id("agent_id", agent_id, "agent")
        validation.require_id("source_id", source_id, "source")
        await self.db.run(lambda s: source_store.detach(s, tenant_id, agent_id, source_id))

    async def list_agent_sources(self, tenant_id: str, agent_id: str) -> list[SourceView]:
        validation.require_id("agent_id", agent_id, "agent")
        return await self.db.run(
            lambda s: [self._view(s, tenant_id, src) for src in source_store.agent_sources(s, tenant_id, agent_id)])
