"""The memory service as the gRPC host sees it: registration, start-up (migrations), shutdown."""

from __future__ import annotations

import asyncio
import logging

import grpc
from memvisor.memory.v1 import memory_service_pb2_grpc
from memvisor_common.db import Database
from memvisor_common.errors import Unavailable
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.settings import ServerSettings

from memory_service.manager import MemoryManager
from memory_service.servicer import MemoryServicer
from memory_service.settings import MemorySettings

log = logging.getLogger(__name__)

MIGRATIONS = "memory_service:migrations"
VERSION_TABLE = "memory_alembic_version"


class MemoryComponent:
    """Implements memvisor_common.grpc_host.server.ServiceComponent."""

    name = "memory"
    service_names = ("memvisor.memory.v1.MemoryService",)

    def __init__(self, server_settings: ServerSettings, settings: MemorySettings | None = None) -> None:
        self.server_settings = server_settings
        self.settings = settings or MemorySettings()
        self.db: Database | None = None
        self._manager: MemoryManager | None = None
        # Exists before start() so the orchestrator can wire an in-process peer at construction.
        self.servicer = MemoryServicer(self.require_manager)

    @property
    def manager(self) -> MemoryManager:
        return self.require_manager()

    def require_manager(self) -> MemoryManager:
        if self._manager is None:
            raise Unavailable("the memory service is not started", reason="SERVICE_NOT_STARTED")
        return self._manager

    def add_to_server(self, server: grpc.aio.Server) -> None:
        memory_service_pb2_grpc.add_MemoryServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        url = self.settings.database_url or self.server_settings.sqlite_url("memory")
        db = Database(url)
        # Migrations are blocking I/O, once per start; keep the loop responsive meanwhile.
        await asyncio.to_thread(upgrade_to_head, db, MIGRATIONS, VERSION_TABLE)
        self.db = db
        self._manager = MemoryManager(db, self.settings)
        log.info("memory service started", extra={"dialect": db.dialect})

    async def close(self) -> None:
        self._manager = None
        if self.db is not None:
            self.db.dispose()
            self.db = None
