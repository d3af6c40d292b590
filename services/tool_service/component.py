"""ToolComponent: the tool-service as a GrpcHost component (alone or inside the whole suite)."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import tempfile
from pathlib import Path

import grpc

from memvisor.tools.v1 import tool_service_pb2_grpc
from memvisor_common.db import Database
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.settings import ServerSettings
from tool_service.manager import ToolManager
from tool_service.sandbox.isolation import detect
from tool_service.sandbox.runner import SandboxRunner
from tool_service.servicer import ToolServicer
from tool_service.settings import ToolSettings

log = logging.getLogger(__name__)

_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


class ToolComponent:
    """Registry (SQL) plus sandbox (warm worker pool). `servicer` is what in-process peers call."""

    name = "tools"
    service_names = ("memvisor.tools.v1.ToolService",)

    def __init__(self, server_settings: ServerSettings, settings: ToolSettings | None = None) -> None:
        self.server_settings = server_settings
        self.settings = settings or ToolSettings()
        url = self.settings.database_url or server_settings.sqlite_url("tools")
        self.db = Database(url)
        self.socket_path: str | None = None
        target = self.settings.client_target
        self.manager = ToolManager(self.db, self.settings, target)
        self.servicer = ToolServicer(self.manager)
        self.runner: SandboxRunner | None = None

    def add_to_server(self, server: grpc.aio.Server) -> None:
        tool_service_pb2_grpc.add_ToolServiceServicer_to_server(self.servicer, server)
        if self.settings.client_target or not self.settings.expose_socket:
            return
        path = self._socket_path()
        if os.path.exists(path) and stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)  # left by a process that died; nothing listens on it any more
        if server.add_insecure_port(f"unix://{path}") == 0:
            log.warning("could not listen on %s; tools cannot reach the suite", path)
            return
        if os.geteuid() == 0:
            os.chmod(path, 0o666)  # tools run as an unprivileged uid and must be able to connect
        self.socket_path = path
        self.manager.client_target = f"unix://{path}"

    def _socket_path(self) -> str:
        if self.settings.socket_path is not None:
            return str(self.settings.socket_path)
        path = str(self.server_settings.resolved_data_dir() / "tool-sandbox.sock")
        if len(path) <= _MAX_SOCKET_PATH:
            return path
        # Deep data dirs (tests) exceed sun_path; a short private directory keeps the socket.
        digest = hashlib.sha256(path.encode()).hexdigest()[:12]
        short = Path(tempfile.gettempdir()) / f"memvisor-{os.geteuid()}-{digest}"
        short.mkdir(mode=0o711, exist_ok=True)
        return str(short / "tools.sock")

    def _mounted_socket(self) -> str | None:
        target = self.manager.client_target or ""
        return target.removeprefix("unix://") if target.startswith("unix://") else None

    async def start(self) -> None:
        upgrade_to_head(self.db, "tool_service:migrations", "tool_alembic_version")
        isolation = detect(self.settings, self._mounted_socket())
        self.runner = SandboxRunner(self.settings, isolation)
        self.manager.attach_runner(self.runner)
        await self.runner.start()
        log.info("tool sandbox ready", extra={"bwrap": isolation.use_bwrap,
                                              "network_isolated": isolation.network_isolated,
                                              "user_separated": isolation.user_separated})

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.close()
        self.db.dispose()
