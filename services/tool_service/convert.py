"""Protobuf <-> domain conversions (the only module besides the servicer that knows protobuf)."""

from __future__ import annotations

from typing import Any

from memvisor.tools.v1 import tool_pb2
from memvisor_common.timeutil import to_timestamp
from tool_service.domain import ToolRecord
from tool_service.manager import ExecuteInput, SandboxStatus, UpsertInput
from tool_service.sandbox.runner import Outcome, Status

_STATUS = {
    Status.SUCCESS: tool_pb2.EXECUTION_STATUS_SUCCESS,
    Status.ERROR: tool_pb2.EXECUTION_STATUS_ERROR,
    Status.TIMEOUT: tool_pb2.EXECUTION_STATUS_TIMEOUT,
    Status.CRASHED: tool_pb2.EXECUTION_STATUS_CRASHED,
}


def tool_to_proto(r: ToolRecord) -> tool_pb2.Tool:
    return tool_pb2.Tool(
        id=r.id, name=r.name, description=r.description, source_code=r.source_code,
        json_schema=r.json_schema, tags=list(r.tags), return_char_limit=r.return_char_limit,
        pip_requirements=list(r.pip_requirements), create_time=to_timestamp(r.create_time),
        update_time=to_timestamp(r.update_time),
    )


def upsert_from_proto(t: tool_pb2.Tool) -> UpsertInput:
    return UpsertInput(
        source_code=t.source_code, name=t.name, description=t.description, json_schema=t.json_schema,
        tags=list(t.tags), return_char_limit=t.return_char_limit, pip_requirements=list(t.pip_requirements),
    )


def agent_state_from_proto(s: tool_pb2.AgentState) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "tags": list(s.tags), "memory": dict(s.memory)}


def execute_from_proto(req: Any) -> ExecuteInput:
    return ExecuteInput(
        tool_id=req.tool_id, name=req.name, arguments=req.arguments,
        agent_state=agent_state_from_proto(req.agent_state) if req.HasField("agent_state") else None,
        env=dict(req.env), timeout_seconds=req.timeout_seconds,
    )


def outcome_to_proto(o: Outcome) -> tool_pb2.ExecutionResult:
    return tool_pb2.ExecutionResult(
        status=_STATUS[o.status], return_value=o.return_value, stdout=o.stdout, stderr=o.stderr,
        error=o.error, duration_ms=o.duration_ms, output_truncated=o.output_truncated,
        return_value_truncated=o.return_value_truncated,
    )


def status_to_proto(s: SandboxStatus) -> tool_pb2.SandboxStatus:
    return tool_pb2.SandboxStatus(
        isolation=tool_pb2.SANDBOX_ISOLATION_BWRAP if s.use_bwrap else tool_pb2.SANDBOX_ISOLATION_PROCESS_LIMITS,
        network_isolated=s.network_isolated, filesystem_isolated=s.filesystem_isolated,
        user_separated=s.user_separated, warm_workers=s.warm_workers, pool_size=s.pool_size,
        timeout_seconds=s.timeout_seconds, cpu_seconds=s.cpu_seconds, memory_bytes=s.memory_bytes,
        max_processes=s.max_processes, client_target=s.client_target, notes=list(s.notes),
    )
