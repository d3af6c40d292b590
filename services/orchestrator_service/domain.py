"""The orchestrator's plain domain types (no protobuf, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class StopReason(StrEnum):
    END_TURN = "end_turn"
    MAX_STEPS = "max_steps"
    ERROR = "error"
    LLM_API_ERROR = "llm_api_error"
    INVALID_LLM_RESPONSE = "invalid_llm_response"
    INVALID_TOOL_CALL = "invalid_tool_call"
    NO_TOOL_CALL = "no_tool_call"
    TOOL_RULE = "tool_rule"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ToolRuleSpec:
    """A tool rule as stored (validated; enforcement lives in the loop's rule solver)."""

    type: str  # "run_first", "exit_loop", ... (ToolRuleType without prefix, lower-case)
    tool_name: str
    children: tuple[str, ...] = ()
    child_output_mapping: dict[str, str] = field(default_factory=dict)
    default_child: str = ""
    require_output_mapping: bool = False
    max_count_limit: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "tool_name": self.tool_name,
            "children": list(self.children),
            "child_output_mapping": dict(self.child_output_mapping),
            "default_child": self.default_child,
            "require_output_mapping": self.require_output_mapping,
            "max_count_limit": self.max_count_limit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ToolRuleSpec:
        return cls(
            type=data["type"],
            tool_name=data["tool_name"],
            children=tuple(data.get("children", ())),
            child_output_mapping=dict(data.get("child_output_mapping", {})),
            default_child=data.get("default_child", ""),
            require_output_mapping=bool(data.get("require_output_mapping", False)),
            max_count_limit=int(data.get("max_count_limit", 0)),
        )


@dataclass(slots=True)
class AgentConfig:
    """An agent's configuration as the orchestrator stores it."""

    id: str
    tenant_id: str
    name: str
    description: str
    system: str
    model: str
    embedding: str
    tool_names: list[str]
    tool_rules: list[ToolRuleSpec]
    tags: list[str]
    context_window_limit: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    step_count: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.step_count + other.step_count,
        )


@dataclass(slots=True)
class NewAgent:
    """What CreateAgent asks for, before defaults and validation against peers."""

    name: str
    description: str
    system: str
    model: str
    embedding: str
    tool_ids: list[str]
    tools: list[str]
    include_base_tools: bool
    tool_rules: list[ToolRuleSpec]
    tags: list[str]
    context_window_limit: int


@dataclass(frozen=True, slots=True)
class InputMessage:
    role: str  # "user" or "system"
    content: str


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    role: str  # "user", "assistant" or "system"
    content: str
    created_at: datetime | None
