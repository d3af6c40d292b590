"""Which tools an agent can call, with the schemas the LLM sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from memvisor.tools.v1 import tool_service_pb2 as tools_pb
from memvisor_common.errors import FailedPrecondition, NotFound
from memvisor_common.grpc_host.peer import Peer
from orchestrator_service.tools.base_schemas import ARCHIVAL_TOOLS, MEMORY_TOOLS, with_heartbeat


@dataclass(frozen=True, slots=True)
class AgentTools:
    """The `tools` list for the LLM and each tool's parameter schema (for validation)."""

    openai_tools: list[dict[str, Any]]
    parameters: dict[str, dict[str, Any]]

    @property
    def names(self) -> set[str]:
        return set(self.parameters)


class ToolCatalog:
    def __init__(self, archival: Peer | None, tools: Peer | None) -> None:
        self._builtin = dict(MEMORY_TOOLS)
        if archival is not None:
            self._builtin.update(ARCHIVAL_TOOLS)
        self._tools = tools

    def is_builtin(self, name: str) -> bool:
        return name in self._builtin

    async def resolve_tool_ids(self, tool_ids: list[str]) -> list[str]:
        """Names of custom tools given by id (NOT_FOUND for unknown ids)."""
        names = []
        for tool_id in tool_ids:
            if self._tools is None:
                raise FailedPrecondition(
                    "custom tools are not available: no tool-service", reason="TOOLS_UNAVAILABLE"
                )
            resp = await self._tools.call("GetTool", tools_pb.GetToolRequest(tool_id=tool_id))
            names.append(resp.tool.name)
        return names

    async def check_names(self, names: list[str]) -> None:
        custom = [n for n in names if n not in self._builtin]
        if not custom:
            return
        found = await self._custom_schemas(custom)
        missing = [n for n in custom if n not in found]
        if missing:
            raise NotFound("tool", missing[0])

    async def for_agent(self, tool_names: list[str]) -> AgentTools:
        schemas: dict[str, dict[str, Any]] = {}
        custom = [n for n in tool_names if n not in self._builtin]
        custom_schemas = await self._custom_schemas(custom) if custom else {}
        for name in tool_names:
            schema = self._builtin.get(name) or custom_schemas.get(name)
            if schema is not None:  # a custom tool deleted since the agent was created is skipped
                schemas[name] = schema
        return AgentTools(
            openai_tools=[
                with_heartbeat(n, s.get("description", ""), s.get("parameters") or {})
                for n, s in schemas.items()
            ],
            parameters={n: s.get("parameters") or {} for n, s in schemas.items()},
        )

    async def _custom_schemas(self, names: list[str]) -> dict[str, dict[str, Any]]:
        if self._tools is None:
            return {}
        resp = await self._tools.call(
            "ListTools", tools_pb.ListToolsRequest(names=names, page_size=len(names))
        )
        out = {}
        for tool in resp.tools:
            schema = json.loads(tool.json_schema) if tool.json_schema else {}
            out[tool.name] = {
                "description": schema.get("description", tool.description),
                "parameters": schema.get("parameters") or {},
            }
        return out
