"""The tool-service's use cases: registry CRUD and sandboxed execution.

Transport-free: takes and returns domain objects, raises domain errors. The servicer maps
protobuf onto these calls; the orchestrator reaches them through the servicer in-process.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from memvisor_common.db import Database
from memvisor_common.errors import InvalidArgument, NotFound, Unavailable
from memvisor_common.paging import decode_page_token, encode_page_token, resolve_page_size
from memvisor_common.validation import max_length, require
from tool_service import schema, store, validation
from tool_service.domain import ToolDraft, ToolRecord
from tool_service.sandbox.isolation import SANDBOX_SOCKET_PATH, Isolation
from tool_service.sandbox.runner import Call, Outcome, SandboxRunner, Status
from tool_service.settings import ToolSettings

log = logging.getLogger(__name__)

# Variables the service sets for every call (a caller's value for these is replaced).
ENV_TARGET = "MEMVISOR_TARGET"
ENV_TENANT = "MEMVISOR_TENANT"
ENV_AGENT_ID = "MEMVISOR_AGENT_ID"
ENV_TOOL_ID = "MEMVISOR_TOOL_ID"


@dataclass(frozen=True)
class UpsertInput:
    source_code: str
    name: str = ""
    description: str = ""
    json_schema: str = ""
    tags: Sequence[str] = ()
    return_char_limit: int = 0
    pip_requirements: Sequence[str] = ()


@dataclass(frozen=True)
class ExecuteInput:
    tool_id: str = ""
    name: str = ""
    arguments: str = ""
    agent_state: Mapping[str, Any] | None = None  # {"id", "name", "tags", "memory": {label: value}}
    env: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: float = 0.0


@dataclass(frozen=True)
class SandboxStatus:
    use_bwrap: bool
    network_isolated: bool
    filesystem_isolated: bool
    user_separated: bool
    warm_workers: int
    pool_size: int
    timeout_seconds: float
    cpu_seconds: int
    memory_bytes: int
    max_processes: int
    client_target: str
    notes: tuple[str, ...]


class ToolManager:
    def __init__(self, db: Database, settings: ToolSettings, client_target: str | None = None) -> None:
        self.db = db
        self.settings = settings
        self.client_target = client_target
        self._runner: SandboxRunner | None = None

    def attach_runner(self, runner: SandboxRunner) -> None:
        """The sandbox starts after the registry (it needs the host's socket), see ToolComponent."""
        self._runner = runner

    @property
    def runner(self) -> SandboxRunner:
        if self._runner is None:
            raise Unavailable("the tool sandbox has not started", reason="SANDBOX_NOT_STARTED")
        return self._runner

    @property
    def isolation(self) -> Isolation:
        return self.runner.isolation

    # Registry -------------------------------------------------------------------------------

    def _draft(self, req: UpsertInput) -> ToolDraft:
        s = self.settings
        require("tool.source_code", req.source_code)
        max_length("tool.source_code", req.source_code, s.max_source_chars)
        max_length("tool.description", req.description, 100_000)
        if req.json_schema.strip():
            derived = schema.check_explicit(req.source_code, req.json_schema, description=req.description)
        else:
            derived = schema.derive(req.source_code, description=req.description)
        if req.name and req.name != derived.name:
            raise InvalidArgument("tool.name", f"is {req.name!r} but the source defines {derived.name!r}",
                                  reason="NAME_MISMATCH")
        return ToolDraft(
            name=derived.name, description=derived.description, source_code=req.source_code,
            json_schema=json.dumps(derived.json_schema, ensure_ascii=False),
            takes_agent_state=derived.takes_agent_state,
            tags=validation.clean_tags(req.tags, s),
            return_char_limit=validation.return_char_limit(req.return_char_limit, s),
            pip_requirements=validation.clean_requirements(req.pip_requirements, s),
        )

    async def upsert_tool(self, tenant_id: str, req: UpsertInput) -> ToolRecord:
        draft = self._draft(req)  # parsing happens before the transaction: nothing is held open
        record, created = await self.db.run(lambda s: store.upsert(s, tenant_id, draft))
        log.info("tool %s", "created" if created else "replaced", extra={"tool_id": record.id, "tool": record.name})
        return record

    async def get_tool(self, tenant_id: str, *, tool_id: str = "", name: str = "") -> ToolRecord:
        if not tool_id and not name:
            raise InvalidArgument("tool_id", "tool_id or name is required")
        record = await self.db.run(lambda s: store.get(s, tenant_id, tool_id=tool_id, name=name))
        if record is None:
            raise NotFound("tool", tool_id or name)
        return record

    async def list_tools(self, tenant_id: str, *, names: Sequence[str] = (), tags: Sequence[str] = (),
                         page_size: int = 0, page_token: str = "") -> tuple[list[ToolRecord], str]:
        size = resolve_page_size(page_size)
        filters = {"names": sorted(names), "tags": sorted(tags)}
        cursor = decode_page_token(page_token, filters)
        after = str(cursor["name"]) if cursor else None
        rows = await self.db.run(lambda s: store.list_page(s, tenant_id, names=names, tags=tags,
                                                           after_name=after, limit=size + 1))
        page = rows[:size]
        token = encode_page_token({"name": page[-1].name}, filters) if len(rows) > size else ""
        return page, token

    async def delete_tool(self, tenant_id: str, tool_id: str) -> None:
        require("tool_id", tool_id)
        if not await self.db.run(lambda s: store.delete_tool(s, tenant_id, tool_id)):
            raise NotFound("tool", tool_id)

    # Execution ------------------------------------------------------------------------------

    def _timeout(self, requested: float) -> float:
        if requested < 0:
            raise InvalidArgument("timeout_seconds", "must not be negative")
        return min(requested or self.settings.timeout_seconds, self.settings.max_timeout_seconds)

    def _call_env(self, tenant_id: str, tool: ToolRecord, env: Mapping[str, str],
                  agent_state: Mapping[str, Any] | None) -> dict[str, str]:
        out = validation.clean_env(env, self.settings)
        target = self.client_target
        if self.isolation.use_bwrap and self.isolation.socket_host_path:
            # Inside the sandbox the suite is only reachable through the mounted socket.
            out[ENV_TARGET] = f"unix://{SANDBOX_SOCKET_PATH}"
        elif target and ENV_TARGET not in out:
            out[ENV_TARGET] = target
        out[ENV_TENANT] = tenant_id
        out[ENV_TOOL_ID] = tool.id
        if agent_state and agent_state.get("id"):
            out[ENV_AGENT_ID] = str(agent_state["id"])
        return out

    async def execute(self, tenant_id: str, req: ExecuteInput) -> Outcome:
        """Runs the tool; anything the tool or its arguments do wrong is in the Outcome."""
        tool = await self.get_tool(tenant_id, tool_id=req.tool_id, name=req.name)
        timeout = self._timeout(req.timeout_seconds)
        env = self._call_env(tenant_id, tool, req.env, req.agent_state)
        try:
            arguments = validation.parse_arguments(req.arguments, tool.schema(),
                                                   self.settings.max_arguments_chars)
        except validation.ArgumentsError as exc:
            return Outcome(Status.ERROR, error=f"InvalidArguments: {exc}")
        state = dict(req.agent_state) if (tool.takes_agent_state and req.agent_state is not None) else None
        if tool.takes_agent_state and state is None:
            state = {"id": "", "name": "", "tags": [], "memory": {}}
        outcome = await self.runner.run(Call(
            name=tool.name, source_code=tool.source_code, arguments=arguments, agent_state=state, env=env,
            timeout_seconds=timeout, return_char_limit=tool.return_char_limit,
        ))
        if outcome.status is not Status.SUCCESS:
            log.info("tool call failed", extra={"tool": tool.name, "status": outcome.status.value,
                                                "error": outcome.error[:200]})
        return outcome

    def sandbox_status(self) -> SandboxStatus:
        iso, s = self.isolation, self.settings
        return SandboxStatus(
            use_bwrap=iso.use_bwrap, network_isolated=iso.network_isolated,
            filesystem_isolated=iso.filesystem_isolated, user_separated=iso.user_separated,
            warm_workers=self.runner.pool.idle_count, pool_size=s.warm_workers,
            timeout_seconds=s.timeout_seconds, cpu_seconds=s.cpu_seconds, memory_bytes=s.memory_bytes,
            max_processes=s.max_processes, client_target=self.client_target or "", notes=tuple(iso.notes),
        )
