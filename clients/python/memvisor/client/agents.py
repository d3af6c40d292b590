"""client.agents: agents, their messages, their core-memory blocks, their context window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from google.protobuf.field_mask_pb2 import FieldMask

from memvisor.agents.v1 import agent_pb2, agent_service_pb2_grpc
from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.client import _convert
from memvisor.client._transport import Transport
from memvisor.client.archival import AgentPassages, AgentSources
from memvisor.client.blocks import update_block
from memvisor.client.types import (
    AgentState,
    Block,
    ContextWindow,
    Message,
    Response,
    SearchResult,
    StopReason,
    Usage,
    stop_reason_name,
)
from memvisor.memory.v1 import block_pb2, memory_service_pb2_grpc
from memvisor.memory.v1 import memory_service_pb2 as mem

_UPDATABLE = {
    "name",
    "description",
    "system",
    "model",
    "embedding",
    "tool_names",
    "tool_rules",
    "tags",
    "context_window_limit",
}


class AgentMessages:
    def __init__(self, t: Transport, stub: agent_service_pb2_grpc.AgentServiceStub) -> None:
        self._t, self._stub = t, stub

    def create(
        self, agent_id: str, messages: list[dict[str, Any]], max_steps: int = 0, timeout: float | None = None
    ) -> Response:
        """Runs one turn and returns its messages, usage and stop reason."""
        resp = self._t.unary(
            self._stub.SendMessage,
            svc.SendMessageRequest(
                agent_id=agent_id,
                messages=[_convert.message_create(m) for m in messages],
                max_steps=max_steps,
            ),
            timeout,
        )
        return Response(
            [Message.from_proto(m) for m in resp.messages],
            Usage.from_proto(resp.usage),
            stop_reason_name(resp.stop_reason),
        )

    def create_stream(
        self, agent_id: str, messages: list[dict[str, Any]], max_steps: int = 0, timeout: float | None = None
    ) -> Iterator[Message | Usage | StopReason]:
        """Yields each message as its step completes, then Usage, then StopReason."""
        request = svc.StreamMessageRequest(
            agent_id=agent_id, messages=[_convert.message_create(m) for m in messages], max_steps=max_steps
        )
        for event in self._t.stream(self._stub.StreamMessage, request, timeout):
            kind = event.WhichOneof("event")
            if kind == "message":
                yield Message.from_proto(event.message)
            elif kind == "usage":
                yield Usage.from_proto(event.usage)
            elif kind == "stop_reason":
                yield StopReason(stop_reason_name(event.stop_reason))

    def list(self, agent_id: str, limit: int = 100, descending: bool = False) -> list[Message]:
        """The conversation (recall memory), oldest first unless descending; follows pages up to `limit`."""
        views = self._t.pages(
            self._stub.ListMessages,
            lambda size, token: svc.ListMessagesRequest(
                agent_id=agent_id, descending=descending, page_size=size, page_token=token
            ),
            "messages",
            limit,
        )
        return [Message.from_proto(m) for m in views]

    def search(
        self,
        agent_id: str,
        query: str,
        roles: list[str] | None = None,
        limit: int = 5,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
    ) -> list[SearchResult]:
        """Ranked full-text search over the conversation (the same search conversation_search uses)."""
        request = svc.SearchMessagesRequest(agent_id=agent_id, query=query, roles=roles or [], limit=limit)
        if start_date is not None:
            request.start_time.CopyFrom(_convert.timestamp(start_date))
        if end_date is not None:
            request.end_time.CopyFrom(_convert.timestamp(end_date))
        resp = self._t.unary(self._stub.SearchMessages, request)
        return [
            SearchResult(r.role, r.score, [Message.from_proto(m) for m in r.messages]) for r in resp.results
        ]

    def import_messages(
        self, agent_id: str, messages: list[dict[str, Any]], add_to_context: bool = True
    ) -> int:
        """Imports an existing chat log ({"role", "content", optional "created_at"}) without the LLM."""
        items = []
        for m in messages:
            item = svc.ImportedMessage(role=m.get("role", ""), content=m.get("content", ""))
            ts = _convert.timestamp(m.get("created_at"))
            if ts is not None:
                item.create_time.CopyFrom(ts)
            items.append(item)
        resp = self._t.unary(
            self._stub.ImportMessages,
            svc.ImportMessagesRequest(agent_id=agent_id, messages=items, add_to_context=add_to_context),
        )
        return resp.imported_count


class AgentBlocks:
    def __init__(self, t: Transport, stub: memory_service_pb2_grpc.MemoryServiceStub) -> None:
        self._t, self._stub = t, stub

    def list(self, agent_id: str) -> list[Block]:
        resp = self._t.unary(self._stub.ListBlocks, mem.ListBlocksRequest(agent_id=agent_id, page_size=1000))
        return [Block.from_proto(b) for b in resp.blocks]

    def retrieve(self, agent_id: str, block_label: str) -> Block:
        resp = self._t.unary(
            self._stub.GetBlock,
            mem.GetBlockRequest(selector=block_pb2.BlockSelector(agent_id=agent_id, label=block_label)),
        )
        return Block.from_proto(resp.block)

    def modify(
        self,
        agent_id: str,
        block_label: str,
        value: str | None = None,
        limit: int | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        label: str | None = None,
        expected_version: int = 0,
    ) -> Block:
        """Changes the given fields of the agent's block (expected_version > 0 guards against races)."""
        return update_block(
            self._t,
            self._stub,
            block_pb2.BlockSelector(agent_id=agent_id, label=block_label),
            expected_version,
            value=value,
            limit=limit,
            description=description,
            read_only=read_only,
            label=label,
        )

    def attach(self, agent_id: str, block_id: str) -> Block:
        resp = self._t.unary(
            self._stub.AttachBlock, mem.AttachBlockRequest(agent_id=agent_id, block_id=block_id)
        )
        return Block.from_proto(resp.block)

    def detach(self, agent_id: str, block_id: str) -> None:
        self._t.unary(self._stub.DetachBlock, mem.DetachBlockRequest(agent_id=agent_id, block_id=block_id))


class AgentContext:
    def __init__(self, t: Transport, stub: agent_service_pb2_grpc.AgentServiceStub) -> None:
        self._t, self._stub = t, stub

    def retrieve(self, agent_id: str) -> ContextWindow:
        r = self._t.unary(self._stub.GetContextWindow, svc.GetContextWindowRequest(agent_id=agent_id))
        return ContextWindow(
            r.system_prompt,
            r.message_count,
            r.system_tokens,
            r.message_tokens,
            r.tool_tokens,
            r.context_window_limit,
            json.loads(r.tools_json or "[]"),
        )


class Agents:
    def __init__(self, t: Transport) -> None:
        self._t = t
        self._stub = agent_service_pb2_grpc.AgentServiceStub(t.channel)
        memory_stub = memory_service_pb2_grpc.MemoryServiceStub(t.channel)
        self.messages = AgentMessages(t, self._stub)
        self.blocks = AgentBlocks(t, memory_stub)
        self.context = AgentContext(t, self._stub)
        self.passages = AgentPassages(t)
        self.sources = AgentSources(t, self)

    def create(
        self,
        *,
        model: str,
        name: str = "",
        memory_blocks: list[dict[str, Any]] | None = None,
        block_ids: list[str] | None = None,
        system: str = "",
        embedding: str = "",
        tool_ids: list[str] | None = None,
        tools: list[str] | None = None,
        include_base_tools: bool = True,
        tool_rules: list[dict[str, Any]] | None = None,
        tags: list[str] | None = None,
        description: str = "",
        context_window_limit: int = 0,
    ) -> AgentState:
        request = svc.CreateAgentRequest(
            name=name,
            description=description,
            memory_blocks=[_convert.block_proto(b) for b in memory_blocks or []],
            block_ids=block_ids or [],
            system=system,
            model=model,
            embedding=embedding,
            tool_ids=tool_ids or [],
            tools=tools or [],
            include_base_tools=include_base_tools,
            tool_rules=[_convert.tool_rule_proto(r) for r in tool_rules or []],
            tags=tags or [],
            context_window_limit=context_window_limit,
        )
        return AgentState.from_proto(self._t.unary(self._stub.CreateAgent, request).agent)

    def retrieve(self, agent_id: str) -> AgentState:
        return AgentState.from_proto(
            self._t.unary(self._stub.GetAgent, svc.GetAgentRequest(agent_id=agent_id)).agent
        )

    def list(
        self, name: str = "", tags: list[str] | None = None, match_all_tags: bool = False, limit: int = 1000
    ) -> list[AgentState]:
        agents = self._t.pages(
            self._stub.ListAgents,
            lambda size, token: svc.ListAgentsRequest(
                name=name, tags=tags or [], match_all_tags=match_all_tags, page_size=size, page_token=token
            ),
            "agents",
            limit,
        )
        return [AgentState.from_proto(a) for a in agents]

    def modify(self, agent_id: str, **changes: Any) -> AgentState:
        """Updates name, description, system, model, tool_names (or tools), tool_rules, tags, context_window_limit."""
        if "tools" in changes:
            changes["tool_names"] = changes.pop("tools")
        agent = agent_pb2.Agent(id=agent_id)
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise TypeError(
                f"cannot modify {', '.join(sorted(unknown))}; updatable: {', '.join(sorted(_UPDATABLE))}"
            )
        for key, value in changes.items():
            if key == "tool_rules":
                agent.tool_rules.extend(_convert.tool_rule_proto(r) for r in value)
            elif key in ("tool_names", "tags"):
                getattr(agent, key).extend(value)
            else:
                setattr(agent, key, value)
        resp = self._t.unary(
            self._stub.UpdateAgent,
            svc.UpdateAgentRequest(agent=agent, update_mask=FieldMask(paths=list(changes))),
        )
        return AgentState.from_proto(resp.agent)

    def delete(self, agent_id: str) -> None:
        self._t.unary(self._stub.DeleteAgent, svc.DeleteAgentRequest(agent_id=agent_id))
