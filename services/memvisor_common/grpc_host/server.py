"""One gRPC server bootstrap for every service: interceptor, health, reflection, graceful stop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from memvisor_common.grpc_host.interceptor import ServerInterceptor
from memvisor_common.settings import ServerSettings

log = logging.getLogger(__name__)


class ServiceComponent(Protocol):
    """A service as the host sees it: what it registers and how it starts and stops."""

    name: str
    # Fully-qualified gRPC service names, for health and reflection.
    service_names: tuple[str, ...]

    def add_to_server(self, server: grpc.aio.Server) -> None: ...

    async def start(self) -> None:
        """Prepare dependencies (migrations, indexes); the port is not served before this returns."""

    async def close(self) -> None:
        """Release resources after the server stopped."""


class GrpcHost:
    """Runs one or more service components on one port."""

    def __init__(self, components: Sequence[ServiceComponent], settings: ServerSettings) -> None:
        self.components = list(components)
        self.settings = settings
        self.port: int | None = None
        self._health = health.aio.HealthServicer()
        self._server = grpc.aio.server(
            interceptors=[ServerInterceptor()],
            options=[
                ("grpc.max_receive_message_length", settings.max_message_bytes),
                ("grpc.max_send_message_length", settings.max_message_bytes),
                ("grpc.so_reuseport", 0),
            ],
        )
        for component in self.components:
            component.add_to_server(self._server)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        if settings.reflection:
            names = [n for c in self.components for n in c.service_names]
            reflection.enable_server_reflection(
                (*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
                self._server,
            )

    async def start(self) -> int:
        """Starts dependencies, binds the port, then reports SERVING. Returns the bound port."""
        for component in self.components:
            await component.start()
        address = f"{self.settings.host}:{self.settings.port}"
        port = self._server.add_insecure_port(address)
        if port == 0:
            raise RuntimeError(f"could not bind {address}")
        self.port = port
        await self._server.start()
        for component in self.components:
            for name in component.service_names:
                await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        await self._health.set("", health_pb2.HealthCheckResponse.SERVING)
        log.info(
            "serving",
            extra={"address": f"{self.settings.host}:{port}", "services": [c.name for c in self.components]},
        )
        return port

    async def stop(self, grace: float | None = None) -> None:
        """Flips health to NOT_SERVING, lets in-flight RPCs finish within the grace, closes."""
        await self._health.enter_graceful_shutdown()
        await self._server.stop(self.settings.shutdown_grace_seconds if grace is None else grace)
        for component in reversed(self.components):
            try:
                await component.close()
            except Exception:  # noqa: BLE001 - keep closing the others
                log.exception("error while closing %s", component.name)
        log.info("stopped")

    async def run_until_signal(self) -> None:
        """Serves until SIGTERM or SIGINT, then stops gracefully."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        await stop.wait()
        log.info("shutdown requested")
        await self.stop()
