"""Tool-service fixtures: a ToolComponent served on a free port, and a stub with tenant metadata."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from memvisor.client.errors import decode_rpc_error
from memvisor.tools.v1 import tool_pb2, tool_service_pb2 as pb, tool_service_pb2_grpc
from memvisor_common.settings import ServerSettings
from tool_service.component import ToolComponent
from tool_service.settings import ToolSettings

# Small limits keep hostile cases quick on a 2-core machine.
TEST_LIMITS: dict[str, Any] = dict(timeout_seconds=5.0, cpu_seconds=2, memory_bytes=384 * 1024 * 1024,
                                   max_processes=32, warm_workers=2, max_output_chars=10_000)


@dataclass
class ToolsClient:
    stub: tool_service_pb2_grpc.ToolServiceStub
    component: ToolComponent
    tenant: str = "default"

    def _md(self) -> tuple[tuple[str, str], ...]:
        return (("x-memvisor-tenant", self.tenant),)

    def as_tenant(self, tenant: str) -> ToolsClient:
        return ToolsClient(self.stub, self.component, tenant)

    async def upsert(self, source: str, **fields: Any) -> tool_pb2.Tool:
        resp = await self.stub.UpsertTool(pb.UpsertToolRequest(tool=tool_pb2.Tool(source_code=source, **fields)),
                                          metadata=self._md())
        return resp.tool

    async def execute(self, tool: tool_pb2.Tool | str, arguments: str = "{}", **fields: Any) -> tool_pb2.ExecutionResult:
        ident = {"name": tool} if isinstance(tool, str) else {"tool_id": tool.id}
        resp = await self.stub.ExecuteTool(pb.ExecuteToolRequest(arguments=arguments, **ident, **fields),
                                           metadata=self._md(), timeout=60)
        return resp.result

    async def call(self, method: str, request: Any) -> Any:
        return await getattr(self.stub, method)(request, metadata=self._md())


async def expect_error(coro: Any, code: grpc.StatusCode, reason: str | None = None) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await coro
    assert info.value.code() == code, info.value.details()
    if reason is not None:
        assert decode_rpc_error(info.value).reason == reason, decode_rpc_error(info.value)


@pytest.fixture
async def make_tools(start_host: Callable[..., Any], server_settings: ServerSettings,
                     sqlite_url: str) -> AsyncIterator[Callable[..., Any]]:
    """`client = await make_tools(database_url=..., use_bwrap=..., **limits)`."""
    channels: list[grpc.aio.Channel] = []

    async def make(**overrides: Any) -> ToolsClient:
        settings = ToolSettings(**{"database_url": sqlite_url, **TEST_LIMITS, **overrides})
        component = ToolComponent(server_settings, settings)
        port = await start_host([component])
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        channels.append(channel)
        return ToolsClient(tool_service_pb2_grpc.ToolServiceStub(channel), component)

    yield make
    for channel in channels:
        await channel.close()


@pytest.fixture
async def tools(make_tools: Callable[..., Any]) -> AsyncIterator[ToolsClient]:
    yield await make_tools()
