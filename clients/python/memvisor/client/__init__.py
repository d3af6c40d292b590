"""Python client for memvisor. Light: grpcio + the generated stubs; it imports no server code.

from memvisor.client import Memvisor
client = Memvisor(target="127.0.0.1:50051")   # or MEMVISOR_TARGET, default 127.0.0.1:50051
agent = client.agents.create(model="openai/gpt-4o-mini", memory_blocks=[{"label": "human", "value": "..."}])
response = client.agents.messages.create(agent_id=agent.id, messages=[{"role": "user", "content": "hi"}])
"""

from __future__ import annotations

from memvisor.client._transport import Transport
from memvisor.client.agents import Agents
from memvisor.client.archival import Jobs, Sources
from memvisor.client.blocks import Blocks
from memvisor.client.errors import (
    ConflictError,
    FailedPreconditionError,
    InvalidArgumentError,
    MemvisorError,
    NotFoundError,
    UnavailableError,
)
from memvisor.client.pretty import print_message
from memvisor.client.tools import Tools
from memvisor.client.types import AgentState, Block, Message, Response, StopReason, Usage


class Memvisor:
    """Synchronous client; one gRPC channel to the suite (or its single entry point)."""

    def __init__(
        self, target: str | None = None, *, tenant: str | None = None, timeout: float = 300.0
    ) -> None:
        self._transport = Transport(target, tenant, timeout)
        self.target = self._transport.target
        self.agents = Agents(self._transport)
        self.blocks = Blocks(self._transport)
        self.tools = Tools(self._transport)
        self.sources = Sources(self._transport)
        self.jobs = Jobs(self._transport)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Memvisor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


__all__ = [
    "AgentState",
    "Block",
    "ConflictError",
    "FailedPreconditionError",
    "InvalidArgumentError",
    "Memvisor",
    "MemvisorError",
    "Message",
    "NotFoundError",
    "Response",
    "StopReason",
    "UnavailableError",
    "Usage",
    "print_message",
]
