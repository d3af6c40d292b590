"""The archival-service as a ServiceComponent: what the host registers, starts and stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import grpc
from memvisor.archival.v1 import archival_service_pb2_grpc as api_grpc

from archival_service.embeddings.registry import EmbeddingRegistry
from archival_service.index.store import IndexStore
from archival_service.ingestion.runner import JobRunner
from archival_service.manager import ArchiveManager
from archival_service.servicer import ArchivalServicer
from archival_service.settings import ArchivalSettings
from archival_service.source_manager import SourceManager
from memvisor_common.db import Database
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.settings import ServerSettings

log = logging.getLogger(__name__)


class ArchivalComponent:
    """Archives, passages, vector indexes, sources, files and ingestion jobs."""

    name = "archival"
    service_names = ("memvisor.archival.v1.ArchivalService",)

    def __init__(self, server_settings: ServerSettings, settings: ArchivalSettings | None = None) -> None:
        self.server_settings = server_settings
        self.settings = settings or ArchivalSettings()
        self.db = Database(self.settings.resolved_database_url(server_settings))
        self.embeddings = EmbeddingRegistry(self.settings)
        self.indexes = IndexStore(self.settings.resolved_index_dir(server_settings),
                                  approximate_threshold=self.settings.approximate_threshold,
                                  nprobe=self.settings.ivf_nprobe)
        self.archives = ArchiveManager(self.db, self.embeddings, self.indexes, self.settings)
        self.runner = JobRunner(self.db, self.archives, self.settings)
        self.sources = SourceManager(self.db, self.archives, self.runner, self.settings,
                                     self.settings.resolved_upload_dir(server_settings))
        self.servicer = ArchivalServicer(self.archives, self.sources)
        self._flusher: asyncio.Task[None] | None = None

    def add_to_server(self, server: grpc.aio.Server) -> None:
        api_grpc.add_ArchivalServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        """Migrations, then index reconciliation with SQL, then interrupted jobs, then flushing."""
        await asyncio.to_thread(upgrade_to_head, self.db, "archival_service:migrations", "archival_alembic_version")
        report = await self.archives.reconcile_indexes()
        changed = {k: v for k, v in report.items() if any(v)}
        log.info("archival indexes ready", extra={"archives": len(report), "reconciled": len(changed)})
        await self.runner.resume_unfinished()
        self._flusher = asyncio.create_task(self.indexes.flush_forever(self.settings.index_flush_seconds),
                                            name="archival index flush")

    async def close(self) -> None:
        """Stops jobs (resumable), saves indexes, releases the database."""
        await self.runner.close()
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        await asyncio.to_thread(self.indexes.save_all)
        await self.embeddings.aclose()
        self.db.dispose()
