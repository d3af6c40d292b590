"""The orchestrator as a service component: storage, peers, loop, servicer."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from memvisor.agents.v1 import agent_service_pb2_grpc
from memvisor_common.db import Database
from memvisor_common.grpc_host.peer import Peer
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.settings import ServerSettings
from orchestrator_service.llm.client import LLMClient
from orchestrator_service.loop.catalog import ToolCatalog
from orchestrator_service.loop.turn import TurnRunner
from orchestrator_service.manager import AgentManager
from orchestrator_service.servicer import AgentServicer
from orchestrator_service.settings import OrchestratorSettings
from orchestrator_service.store import AgentStore
from orchestrator_service.tools.executor import ToolExecutor


@dataclass(frozen=True, slots=True)
class Peers:
    """How the orchestrator reaches the services it drives (in-process or remote)."""

    memory: Peer
    archival: Peer | None = None
    tools: Peer | None = None


class OrchestratorComponent:
    name = "orchestrator"
    service_names = ("memvisor.agents.v1.AgentService",)

    def __init__(
        self, server_settings: ServerSettings, peers: Peers, settings: OrchestratorSettings | None = None
    ) -> None:
        self.settings = settings or OrchestratorSettings()
        self.db = Database(self.settings.database_url or server_settings.sqlite_url("orchestrator"))
        store = AgentStore(self.db)
        catalog = ToolCatalog(peers.archival, peers.tools)
        llm = self._llm = LLMClient(self.settings)
        executor = ToolExecutor(
            peers.memory, peers.archival, peers.tools, self.settings.max_tool_return_chars
        )
        runner = TurnRunner(
            store=store,
            memory=peers.memory,
            archival=peers.archival,
            catalog=catalog,
            executor=executor,
            llm=llm,
            settings=self.settings,
        )
        self.manager = AgentManager(
            store=store,
            memory=peers.memory,
            archival=peers.archival,
            catalog=catalog,
            runner=runner,
            llm=llm,
            settings=self.settings,
        )
        self.servicer = AgentServicer(self.manager)
        self._shutdown_grace = server_settings.shutdown_grace_seconds

    def add_to_server(self, server: grpc.aio.Server) -> None:
        agent_service_pb2_grpc.add_AgentServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        upgrade_to_head(self.db, "orchestrator_service:migrations", "orchestrator_alembic_version")

    async def close(self) -> None:
        await self.servicer.drain(self._shutdown_grace)
        await self._llm.close()
        self.db.dispose()
