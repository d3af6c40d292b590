"""Which services run in this process, and how the orchestrator reaches the others.

All together (`memvisor serve`): one port, and the orchestrator calls its co-located peers
in-process (same request/response messages, no socket). One service alone
(`memvisor serve --service NAME`, the Kubernetes shape): peers are reached over gRPC at the
addresses in OrchestratorSettings.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from memvisor.archival.v1 import archival_service_pb2_grpc
from memvisor.memory.v1 import memory_service_pb2_grpc
from memvisor.tools.v1 import tool_service_pb2_grpc
from memvisor_common.grpc_host.peer import Peer
from memvisor_common.grpc_host.server import ServiceComponent
from memvisor_common.settings import ServerSettings
from orchestrator_service.component import OrchestratorComponent, Peers
from orchestrator_service.settings import OrchestratorSettings

SERVICES = ("memory", "archival", "tools", "orchestrator")


def _channel(address: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(address, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)])


def build_components(
    server: ServerSettings,
    services: Sequence[str] = SERVICES,
    orchestrator_settings: OrchestratorSettings | None = None,
) -> list[ServiceComponent]:
    """Components in start order (the orchestrator last, closed first)."""
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise ValueError(f"unknown service(s) {unknown}; choose from {', '.join(SERVICES)}")
    local: dict[str, ServiceComponent] = {}
    if "memory" in services:
        from memory_service.component import MemoryComponent

        local["memory"] = MemoryComponent(server)
    if "archival" in services:
        from archival_service.component import ArchivalComponent

        local["archival"] = ArchivalComponent(server)
    if "tools" in services:
        from tool_service.component import ToolComponent

        local["tools"] = ToolComponent(server)
    if "orchestrator" in services:
        settings = orchestrator_settings or OrchestratorSettings()
        peers = Peers(
            memory=_peer(
                "memory",
                local,
                settings.memory_address,
                memory_service_pb2_grpc.MemoryServiceStub,
                settings.peer_timeout_seconds,
            ),
            archival=_peer(
                "archival",
                local,
                settings.archival_address,
                archival_service_pb2_grpc.ArchivalServiceStub,
                settings.peer_timeout_seconds,
            ),
            tools=_peer(
                "tools",
                local,
                settings.tools_address,
                tool_service_pb2_grpc.ToolServiceStub,
                settings.peer_timeout_seconds,
            ),
        )
        local["orchestrator"] = OrchestratorComponent(server, peers, settings)
    return list(local.values())


def _peer(
    name: str, local: dict[str, ServiceComponent], address: str | None, stub_cls: type, timeout: float
) -> Peer | None:
    component = local.get(name)
    if component is not None:
        return Peer.local(name, component.servicer)  # type: ignore[attr-defined]
    if address:
        return Peer.remote(name, stub_cls(_channel(address)), default_timeout=timeout)
    return None
