"""gRPC surface of the tool-service: protobuf in, manager call, protobuf out. Nothing else."""

from __future__ import annotations

from typing import Any

from memvisor.tools.v1 import tool_service_pb2 as pb
from memvisor.tools.v1 import tool_service_pb2_grpc
from memvisor_common.request_context import current_tenant
from tool_service import convert
from tool_service.manager import ToolManager


class ToolServicer(tool_service_pb2_grpc.ToolServiceServicer):
    def __init__(self, manager: ToolManager) -> None:
        self.manager = manager

    async def UpsertTool(self, request: pb.UpsertToolRequest, context: Any) -> pb.UpsertToolResponse:
        record = await self.manager.upsert_tool(current_tenant(), convert.upsert_from_proto(request.tool))
        return pb.UpsertToolResponse(tool=convert.tool_to_proto(record))

    async def GetTool(self, request: pb.GetToolRequest, context: Any) -> pb.GetToolResponse:
        record = await self.manager.get_tool(current_tenant(), tool_id=request.tool_id, name=request.name)
        return pb.GetToolResponse(tool=convert.tool_to_proto(record))

    async def ListTools(self, request: pb.ListToolsRequest, context: Any) -> pb.ListToolsResponse:
        records, token = await self.manager.list_tools(
            current_tenant(), names=list(request.names), tags=list(request.tags),
            page_size=request.page_size, page_token=request.page_token)
        return pb.ListToolsResponse(tools=[convert.tool_to_proto(r) for r in records], next_page_token=token)

    async def DeleteTool(self, request: pb.DeleteToolRequest, context: Any) -> pb.DeleteToolResponse:
        await self.manager.delete_tool(current_tenant(), request.tool_id)
        return pb.DeleteToolResponse()

    async def ExecuteTool(self, request: pb.ExecuteToolRequest, context: Any) -> pb.ExecuteToolResponse:
        outcome = await self.manager.execute(current_tenant(), convert.execute_from_proto(request))
        return pb.ExecuteToolResponse(result=convert.outcome_to_proto(outcome))

    async def GetSandboxStatus(self, request: pb.GetSandboxStatusRequest,
                               context: Any) -> pb.GetSandboxStatusResponse:
        return pb.GetSandboxStatusResponse(status=convert.status_to_proto(self.manager.sandbox_status()))
