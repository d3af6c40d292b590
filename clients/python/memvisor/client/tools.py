"""client.tools: custom Python tools (the server derives the schema from the source without running it)."""

from __future__ import annotations

import inspect
import json
import textwrap
from collections.abc import Callable
from typing import Any

from memvisor.client._transport import Transport
from memvisor.client.types import Tool
from memvisor.tools.v1 import tool_pb2, tool_service_pb2_grpc
from memvisor.tools.v1 import tool_service_pb2 as tools_pb


class Tools:
    def __init__(self, t: Transport) -> None:
        self._t = t
        self._stub = tool_service_pb2_grpc.ToolServiceStub(t.channel)

    def upsert(
        self,
        source_code: str,
        *,
        json_schema: dict[str, Any] | None = None,
        description: str = "",
        tags: list[str] | None = None,
        return_char_limit: int = 0,
        pip_requirements: list[str] | None = None,
    ) -> Tool:
        tool = tool_pb2.Tool(
            source_code=source_code,
            json_schema=json.dumps(json_schema) if json_schema else "",
            description=description,
            tags=tags or [],
            return_char_limit=return_char_limit,
            pip_requirements=pip_requirements or [],
        )
        return Tool.from_proto(
            self._t.unary(self._stub.UpsertTool, tools_pb.UpsertToolRequest(tool=tool)).tool
        )

    def upsert_from_function(self, func: Callable[..., Any], **kwargs: Any) -> Tool:
        """Sends the function's source; its name, docstring and type hints become the tool's schema."""
        return self.upsert(textwrap.dedent(inspect.getsource(func)), **kwargs)

    def retrieve(self, tool_id: str) -> Tool:
        return Tool.from_proto(
            self._t.unary(self._stub.GetTool, tools_pb.GetToolRequest(tool_id=tool_id)).tool
        )

    def list(self, names: list[str] | None = None, tags: list[str] | None = None) -> list[Tool]:
        resp = self._t.unary(
            self._stub.ListTools,
            tools_pb.ListToolsRequest(names=names or [], tags=tags or [], page_size=1000),
        )
        return [Tool.from_proto(t) for t in resp.tools]

    def delete(self, tool_id: str) -> None:
        self._t.unary(self._stub.DeleteTool, tools_pb.DeleteToolRequest(tool_id=tool_id))
