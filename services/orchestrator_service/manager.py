"""Agent lifecycle and turns. Plain async class; raises domain errors; never imports grpc."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from dataclasses import replace
from datetime import datetime

from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.archival.v1 import archival_service_pb2 as arch
from memvisor.memory.v1 import block_pb2, message_pb2
from memvisor.memory.v1 import memory_service_pb2 as mem
from memvisor_common.errors import FailedPrecondition, InvalidArgument, MemvisorError, NotFound
from memvisor_common.grpc_host.peer import Peer
from memvisor_common.ids import new_id
from memvisor_common.paging import decode_page_token, encode_page_token, resolve_page_size
from memvisor_common.timeutil import to_timestamp, utcnow
from orchestrator_service import tokens
from orchestrator_service.domain import AgentConfig, ImportedMessage, InputMessage, NewAgent, ToolRuleSpec
from orchestrator_service.llm.client import LLMClient
from orchestrator_service.llm.handles import parse_model_handle
from orchestrator_service.loop.catalog import ToolCatalog
from orchestrator_service.loop.turn import Emit, TurnControl, TurnRunner
from orchestrator_service.prompts.compiler import to_chat_messages
from orchestrator_service.prompts.default_system import DEFAULT_BLOCK_DESCRIPTIONS, DEFAULT_SYSTEM_PROMPT
from orchestrator_service.settings import OrchestratorSettings
from orchestrator_service.store import AgentStore
from orchestrator_service.tools.base_schemas import SEND_MESSAGE, base_tool_names

log = logging.getLogger(__name__)
Role = message_pb2.MessageRole

_RULES_NEEDING_CHILDREN = {"constrain_child_tools", "parent_last_tool"}


class AgentManager:
    def __init__(
        self,
        *,
        store: AgentStore,
        memory: Peer,
        archival: Peer | None,
        catalog: ToolCatalog,
        runner: TurnRunner,
        llm: LLMClient,
        settings: OrchestratorSettings,
    ) -> None:
        self.store = store
        self.memory = memory
        self.archival = archival
        self.catalog = catalog
        self.runner = runner
        self.llm = llm
        self.settings = settings
        # One turn at a time per agent (in this process); entries vanish when no turn holds them.
        self._turn_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # ---- lifecycle -------------------------------------------------------------------------

    async def create(
        self, tenant_id: str, spec: NewAgent, blocks: list[block_pb2.Block], block_ids: list[str]
    ) -> tuple[AgentConfig, list[block_pb2.Block]]:
        handle = parse_model_handle(spec.model)
        embedding = spec.embedding or self.settings.default_embedding
        _check_handle("embedding", embedding)
        tool_names = await self._tool_names(spec)
        _check_rules(spec.tool_rules, tool_names)
        name = spec.name or f"agent-{new_id('x')[2:10]}"
        now = utcnow()
        agent = AgentConfig(
            id=new_id("agent"),
            tenant_id=tenant_id,
            name=name,
            description=spec.description,
            system=spec.system or DEFAULT_SYSTEM_PROMPT,
            model=spec.model,
            embedding=embedding,
            tool_names=tool_names,
            tool_rules=spec.tool_rules,
            tags=sorted(set(spec.tags)),
            context_window_limit=spec.context_window_limit
            or handle.context_window(self.settings.default_context_window),
            created_at=now,
            updated_at=now,
        )
        for b in blocks:
            if not b.description and b.label in DEFAULT_BLOCK_DESCRIPTIONS:
                b.description = DEFAULT_BLOCK_DESCRIPTIONS[b.label]
        created = await self.memory.call(
            "CreateAgentMemory",
            mem.CreateAgentMemoryRequest(agent_id=agent.id, blocks=blocks, block_ids=block_ids),
        )
        try:
            if self.archival is not None:
                await self.archival.call(
                    "CreateAgentArchive",
                    arch.CreateAgentArchiveRequest(agent_id=agent.id, embedding=embedding),
                )
            await self.store.insert(agent)
        except BaseException:
            await self._forget_memory(agent.id)  # compensate: nothing of a failed create remains
            raise
        log.info("agent created", extra={"agent_id": agent.id})
        return agent, list(created.blocks)

    async def _tool_names(self, spec: NewAgent) -> list[str]:
        names: list[str] = []
        if spec.include_base_tools:
            names += base_tool_names(self.archival is not None)
        names += await self.catalog.resolve_tool_ids(spec.tool_ids)
        names += spec.tools
        unique = list(dict.fromkeys(names))
        await self.catalog.check_names(unique)
        return unique

    async def get(self, tenant_id: str, agent_id: str) -> tuple[AgentConfig, list[block_pb2.Block]]:
        agent = await self.store.get(tenant_id, agent_id)
        return agent, await self.blocks(agent.id)

    async def blocks(self, agent_id: str) -> list[block_pb2.Block]:
        resp = await self.memory.call("ListBlocks", mem.ListBlocksRequest(agent_id=agent_id, page_size=1000))
        return list(resp.blocks)

    async def list(
        self,
        tenant_id: str,
        *,
        name: str,
        tags: list[str],
        match_all_tags: bool,
        page_size: int,
        page_token: str,
    ) -> tuple[list[AgentConfig], str]:
        size = resolve_page_size(page_size)
        filters = {"name": name, "tags": sorted(tags), "all": match_all_tags}
        cursor = decode_page_token(page_token, filters)
        after = None
        if cursor is not None:
            try:
                after = (datetime.fromisoformat(cursor["t"]), str(cursor["id"]))
            except (KeyError, ValueError, TypeError):
                raise InvalidArgument("page_token", "is not a token this server issued") from None
        agents = await self.store.list(
            tenant_id, name=name, tags=tags, match_all_tags=match_all_tags, after=after, limit=size + 1
        )
        token = ""
        if len(agents) > size:
            agents = agents[:size]
            token = encode_page_token({"t": agents[-1].created_at.isoformat(), "id": agents[-1].id}, filters)
        return agents, token

    async def update(self, tenant_id: str, agent_id: str, changes: dict[str, object]) -> AgentConfig:
        agent = await self.store.get(tenant_id, agent_id)
        if "model" in changes:
            parse_model_handle(str(changes["model"]))
        if "embedding" in changes and changes["embedding"] != agent.embedding:
            raise FailedPrecondition(
                "an agent's embedding cannot change: its archival memory is embedded with it",
                reason="EMBEDDING_IMMUTABLE",
            )
        if "tool_names" in changes:
            await self.catalog.check_names(list(changes["tool_names"]))  # type: ignore[arg-type]
        updated = replace(agent, **changes, updated_at=utcnow())  # type: ignore[arg-type]
        if not updated.system:
            updated.system = DEFAULT_SYSTEM_PROMPT
        _check_rules(updated.tool_rules, updated.tool_names)
        await self.store.update(updated)
        return updated

    async def delete(self, tenant_id: str, agent_id: str) -> None:
        await self.store.get(tenant_id, agent_id)
        async with self._lock(agent_id):  # never delete under a running turn
            await self.store.delete(tenant_id, agent_id)
            await self._forget_memory(agent_id)

    async def _forget_memory(self, agent_id: str) -> None:
        for peer, method, request in (
            (self.memory, "DeleteAgentMemory", mem.DeleteAgentMemoryRequest(agent_id=agent_id)),
            (self.archival, "DeleteAgentArchival", arch.DeleteAgentArchivalRequest(agent_id=agent_id)),
        ):
            if peer is None:
                continue
            try:
                await peer.call(method, request)
            except NotFound:
                pass
            except MemvisorError:
                log.exception("could not clean up %s for %s", peer.name, agent_id)

    def _lock(self, agent_id: str) -> asyncio.Lock:
        lock = self._turn_locks.get(agent_id)
        if lock is None:
            lock = asyncio.Lock()
            self._turn_locks[agent_id] = lock
        return lock

    # ---- turns -----------------------------------------------------------------------------

    async def prepare_turn(
        self, tenant_id: str, agent_id: str, inputs: list[InputMessage], max_steps: int
    ) -> tuple[AgentConfig, list[message_pb2.Message], int]:
        """Validates a turn before it starts, so bad requests fail as RPC errors and change nothing."""
        if not inputs:
            raise InvalidArgument("messages", "at least one message is required")
        stored: list[message_pb2.Message] = []
        for i, m in enumerate(inputs):
            if m.role not in ("user", "system"):
                raise InvalidArgument(f"messages[{i}].role", "must be 'user' or 'system'")
            if not m.content.strip():
                raise InvalidArgument(f"messages[{i}].content", "is required")
            if len(m.content) > self.settings.max_input_message_chars:
                raise InvalidArgument(
                    f"messages[{i}].content",
                    f"is longer than {self.settings.max_input_message_chars} characters",
                )
            role = Role.MESSAGE_ROLE_USER if m.role == "user" else Role.MESSAGE_ROLE_SYSTEM
            stored.append(message_pb2.Message(role=role, content=m.content))
        if max_steps < 0:
            raise InvalidArgument("max_steps", "must not be negative")
        steps = min(max_steps or self.settings.default_max_steps, self.settings.max_steps_limit)
        agent = await self.store.get(tenant_id, agent_id)
        self.llm.ensure_configured()
        return agent, stored, steps

    async def run_turn(
        self,
        agent: AgentConfig,
        inputs: list[message_pb2.Message],
        max_steps: int,
        emit: Emit,
        control: TurnControl,
    ) -> None:
        async with self._lock(agent.id):
            await self.runner.run(agent, inputs, max_steps, emit, control)

    # ---- context and history ----------------------------------------------------------------

    async def context_window(
        self, tenant_id: str, agent_id: str
    ) -> tuple[AgentConfig, str, list[message_pb2.Message]]:
        agent = await self.store.get(tenant_id, agent_id)
        system, messages = await self.runner.compile_context(agent)
        return agent, system, messages

    async def context_report(self, tenant_id: str, agent_id: str) -> svc.GetContextWindowResponse:
        """The compiled prompt the next step would send, with its token accounting."""
        agent, system, messages = await self.context_window(tenant_id, agent_id)
        tools = await self.catalog.for_agent(agent.tool_names)
        chat = to_chat_messages(system, messages)
        return svc.GetContextWindowResponse(
            system_prompt=system,
            message_count=len(messages),
            system_tokens=tokens.count_text(system),
            message_tokens=tokens.count_chat_messages(chat[1:]),
            tool_tokens=tokens.count_tools(tools.openai_tools),
            context_window_limit=agent.context_window_limit,
            tools_json=json.dumps(tools.openai_tools),
        )

    async def import_messages(
        self, tenant_id: str, agent_id: str, messages: list[ImportedMessage], add_to_context: bool
    ) -> int:
        """Stores a foreign conversation as if the agent had lived it: assistant replies become
        send_message calls with their results, so history looks the same as the agent's own."""
        await self.store.get(tenant_id, agent_id)
        if not messages:
            raise InvalidArgument("messages", "at least one message is required")
        out: list[message_pb2.Message] = []
        for i, m in enumerate(messages):
            if m.role not in ("user", "assistant", "system"):
                raise InvalidArgument(f"messages[{i}].role", "must be 'user', 'assistant' or 'system'")
            if not m.content.strip():
                raise InvalidArgument(f"messages[{i}].content", "is required")
            ts = to_timestamp(m.created_at)
            if m.role == "assistant":
                call_id = f"call_{new_id('x')[2:26]}"
                out.append(
                    message_pb2.Message(
                        role=Role.MESSAGE_ROLE_ASSISTANT,
                        create_time=ts,
                        tool_calls=[
                            message_pb2.ToolCall(
                                id=call_id, name=SEND_MESSAGE, arguments=json.dumps({"message": m.content})
                            )
                        ],
                    )
                )
                out.append(
                    message_pb2.Message(
                        role=Role.MESSAGE_ROLE_TOOL,
                        tool_call_id=call_id,
                        tool_name=SEND_MESSAGE,
                        create_time=ts,
                        content=json.dumps(
                            {"status": "OK", "message": "Sent message successfully.", "time": ""}
                        ),
                    )
                )
            else:
                role = Role.MESSAGE_ROLE_USER if m.role == "user" else Role.MESSAGE_ROLE_SYSTEM
                out.append(message_pb2.Message(role=role, content=m.content, create_time=ts))
        await self.memory.call(
            "AppendMessages",
            mem.AppendMessagesRequest(agent_id=agent_id, messages=out, add_to_context=add_to_context),
        )
        return len(messages)


def _check_handle(field: str, handle: str) -> None:
    provider, sep, model = handle.partition("/")
    if not sep or not provider or not model:
        raise InvalidArgument(field, f"must look like 'provider/model', got {handle!r}")


def _check_rules(rules: list[ToolRuleSpec], tool_names: list[str]) -> None:
    known = set(tool_names)
    for i, rule in enumerate(rules):
        field = f"tool_rules[{i}]"
        if rule.tool_name not in known:
            raise InvalidArgument(f"{field}.tool_name", f"{rule.tool_name!r} is not one of the agent's tools")
        if rule.type in _RULES_NEEDING_CHILDREN and not rule.children:
            raise InvalidArgument(f"{field}.children", f"a {rule.type} rule needs at least one child tool")
        for child in rule.children:
            if child not in known:
                raise InvalidArgument(f"{field}.children", f"{child!r} is not one of the agent's tools")
        if rule.type == "max_count_per_step" and rule.max_count_limit < 1:
            raise InvalidArgument(f"{field}.max_count_limit", "must be at least 1")
        if rule.type == "conditional" and not (rule.child_output_mapping or rule.default_child):
            raise InvalidArgument(
                f"{field}.child_output_mapping", "a conditional rule needs a mapping or default"
            )
