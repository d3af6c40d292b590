"""Dicts the caller passes (as in the seed) -> request protobufs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.agents.v1 import agent_pb2
from memvisor.memory.v1 import block_pb2

_BLOCK_FIELDS = {"label", "value", "limit", "description", "read_only"}


def block_proto(spec: dict[str, Any] | Any) -> block_pb2.Block:
    data = spec if isinstance(spec, dict) else vars(spec)
    unknown = set(data) - _BLOCK_FIELDS - {"id", "version", "agent_ids", "created_at", "updated_at"}
    if unknown:
        raise ValueError(f"unknown block field(s): {', '.join(sorted(unknown))}")
    return block_pb2.Block(**{k: v for k, v in data.items() if k in _BLOCK_FIELDS and v is not None})


def tool_rule_proto(spec: dict[str, Any]) -> agent_pb2.ToolRule:
    rule_type = str(spec.get("type", "")).upper()
    return agent_pb2.ToolRule(
        type=agent_pb2.ToolRuleType.Value("TOOL_RULE_TYPE_" + rule_type) if rule_type else 0,
        tool_name=spec.get("tool_name", ""),
        children=spec.get("children", []),
        child_output_mapping={str(k): v for k, v in (spec.get("child_output_mapping") or {}).items()},
        default_child=spec.get("default_child") or "",
        require_output_mapping=bool(spec.get("require_output_mapping", False)),
        max_count_limit=int(spec.get("max_count_limit") or 0),
    )


def message_create(spec: dict[str, Any]) -> am.MessageCreate:
    content = spec.get("content", "")
    if isinstance(content, list):  # [{"type": "text", "text": "..."}] as in OpenAI-style clients
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return am.MessageCreate(role=spec.get("role", "user"), content=content)


def timestamp(value: datetime | str | None) -> Timestamp | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts
