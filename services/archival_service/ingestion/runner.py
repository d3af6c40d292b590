"""Background ingestion: parse -> chunk -> embed -> store, one asyncio task per job.

Parsing and embedding run in worker threads (CPU-bound). A file's passages are written in one
transaction together with the job's completion, so a failed or interrupted job leaves nothing
searchable. Jobs interrupted by a shutdown or crash are resumed on start while their uploaded
bytes are still staged, and failed otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from archival_service import source_store, store
from archival_service.chunking import chunk_text
from archival_service.ingestion.parsers import ParseError, parse_file
from archival_service.manager import ArchiveManager
from archival_service.settings import ArchivalSettings
from memvisor_common import ids
from memvisor_common.db import Database
from memvisor_common.errors import MemvisorError
from memvisor_common.timeutil import utcnow

log = logging.getLogger(__name__)

_EMBED_BATCH = 64
_PARSED_PROGRESS = 0.1
_EMBEDDED_PROGRESS = 0.95


class _JobGone(Exception):
    """The job's source was deleted while it ran."""


class JobRunner:
    """Runs ingestion jobs in the background and tells watchers when any job changes."""

    def __init__(self, db: Database, archives: ArchiveManager, settings: ArchivalSettings) -> None:
        self.db = db
        self.archives = archives
        self.settings = settings
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._semaphore: asyncio.Semaphore | None = None
        self._changed = asyncio.Event()

    # --- change notification ------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for_change(self, timeout: float) -> None:
        """Returns when any job changed in this process, or after `timeout` (other replicas)."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    # --- lifecycle ------------------------------------------------------------------------

    def submit(self, tenant_id: str, job_id: str) -> None:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.settings.max_concurrent_jobs)
        task = asyncio.create_task(self._run(tenant_id, job_id), name=f"ingest {job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))

    async def cancel(self, job_ids: list[str]) -> None:
        tasks = [self._tasks[j] for j in job_ids if j in self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def resume_unfinished(self) -> None:
        """At start: re-run jobs a previous process left unfinished, or fail them."""
        for job in await self.db.run(source_store.unfinished_jobs):
            if job.staged_path and Path(job.staged_path).exists():
                log.info("resuming interrupted ingestion job", extra={"job_id": job.id})
                await self.db.run(lambda s, j=job: source_store.update_job(
                    s, j.tenant_id, j.id, status=source_store.PENDING, progress=0.0, processed_chunks=0,
                    update_time=utcnow()))
                self.submit(job.tenant_id, job.id)
            else:
                await self._fail(job.tenant_id, job.id, "interrupted by a restart and the uploaded file is gone; "
                                                        "upload it again", staged_path="")

    async def close(self) -> None:
        """Stops running jobs; they stay unfinished and are resumed by the next start."""
        await self.cancel(list(self._tasks))

    # --- one job -------------------------------------------------------------------------

    async def _set(self, tenant_id: str, job_id: str, **values: object) -> None:
        await self.db.run(lambda s: source_store.update_job(s, tenant_id, job_id, update_time=utcnow(), **values))
        self._notify()

    async def _fail(self, tenant_id: str, job_id: str, reason: str, staged_path: str) -> None:
        log.info("ingestion job failed", extra={"job_id": job_id, "reason": reason})
        now = utcnow()
        await self._set(tenant_id, job_id, status=source_store.FAILED, failure_reason=reason, complete_time=now)
        if staged_path:
            Path(staged_path).unlink(missing_ok=True)

    async def _run(self, tenant_id: str, job_id: str) -> None:
        assert self._semaphore is not None
        async with self._semaphore:
            job = await self.db.run(lambda s: source_store.get_job(s, tenant_id, job_id))
            if job is None or job.status not in source_store.UNFINISHED:
                return
            try:
                await self._ingest(tenant_id, job_id, job.file_id, job.source_id, Path(job.staged_path))
            except asyncio.CancelledError:
                raise
            except _JobGone:
                Path(job.staged_path).unlink(missing_ok=True)
            except ParseError as exc:
                await self._fail(tenant_id, job_id, str(exc), job.staged_path)
            except MemvisorError as exc:
                await self._fail(tenant_id, job_id, f"{exc.reason}: {exc.message}", job.staged_path)
            except Exception as exc:  # noqa: BLE001 - a job fails with a reason instead of dying silently
                log.exception("ingestion job crashed", extra={"job_id": job_id})
                await self._fail(tenant_id, job_id, f"internal error: {type(exc).__name__}: {exc}", job.staged_path)

    async def _ingest(self, tenant_id: str, job_id: str, file_id: str, source_id: str, staged: Path) -> None:
        def load(session):
            file = source_store.get_file(session, tenant_id, file_id)
            source = source_store.get_source(session, tenant_id, source_id)
            archive = store.get_archive(session, tenant_id, source.archive_id) if source else None
            return file, source, archive

        file, source, archive = await self.db.run(load)
        if file is None or source is None or archive is None:
            raise _JobGone()
        provider = self.archives.provider_for(archive)
        await self._set(tenant_id, job_id, status=source_store.PARSING, progress=0.0)
        if not staged.exists():
            raise ParseError("the uploaded file is gone")
        segments = await asyncio.to_thread(parse_file, staged, file.file_name, file.content_type)

        words = min(self.settings.chunk_words, provider.max_words)
        pieces = [(text, seg.metadata) for seg in segments
                  for text in chunk_text(seg.text, words, self.settings.chunk_overlap_words)]
        if not pieces:
            raise ParseError("the file contains no text")
        total = len(pieces)
        await self._set(tenant_id, job_id, status=source_store.EMBEDDING, total_chunks=total,
                        processed_chunks=0, progress=_PARSED_PROGRESS)

        vectors = []
        for start in range(0, total, _EMBED_BATCH):
            batch = [p[0] for p in pieces[start : start + _EMBED_BATCH]]
            vectors.extend(await provider.embed(batch))
            done = start + len(batch)
            await self._set(tenant_id, job_id, processed_chunks=done,
                            progress=_PARSED_PROGRESS + (_EMBEDDED_PROGRESS - _PARSED_PROGRESS) * done / total)

        now = utcnow()
        new = [
            store.NewPassage(
                id=ids.new_id("passage"), text=text, tags=[], create_time=now, client_id=None, chunk_index=i,
                metadata={**meta, "file_name": file.file_name}, embedding=vector,
                source_id=source_id, file_id=file_id,
            )
            for i, ((text, meta), vector) in enumerate(zip(pieces, vectors, strict=True))
        ]

        def commit(session):
            if source_store.get_job(session, tenant_id, job_id) is None:
                return None
            rows = store.insert_passages(session, tenant_id, archive.id, new)
            source_store.set_file_passage_count(session, tenant_id, file_id)
            source_store.update_job(session, tenant_id, job_id, status=source_store.COMPLETED, progress=1.0,
                                    processed_chunks=total, staged_path="", update_time=utcnow(),
                                    complete_time=utcnow())
            return rows

        rows = await self.db.run(commit)
        if rows is None:
            raise _JobGone()
        await self.archives.index_add_async(archive, rows)
        staged.unlink(missing_ok=True)
        self._notify()
        log.info("ingestion job completed", extra={"job_id": job_id, "passages": len(rows)})
