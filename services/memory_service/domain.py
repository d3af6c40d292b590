"""Plain typed values the manager works with; no SQLAlchemy, no protobuf."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")
M = TypeVar("M")


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class Kind(StrEnum):
    CHAT = "chat"
    HEARTBEAT = "heartbeat"
    SYSTEM_ALERT = "system_alert"


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    label: str
    value: str
    limit: int
    description: str
    read_only: bool
    version: int
    agent_ids: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewBlock:
    """A block to create; limit 0 means the configured default."""

    label: str
    value: str = ""
    limit: int = 0
    description: str = ""
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class BlockPatch:
    """Fields to change; None leaves a field as it is."""

    label: str | None = None
    value: str | None = None
    limit: int | None = None
    description: str | None = None
    read_only: bool | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in (self.label, self.value, self.limit, self.description, self.read_only))


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A block by id, or by label within an agent."""

    block_id: str = ""
    agent_id: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class NewMessage:
    role: Role
    kind: Kind = Kind.CHAT
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str = ""
    tool_name: str = ""
    step_id: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    agent_id: str
    role: Role
    kind: Kind
    content: str
    tool_calls: tuple[ToolCall, ...]
    tool_call_id: str
    tool_name: str
    step_id: str
    sequence: int
    created_at: datetime


class MessageRecord(NamedTuple):
    """A stored message as the database returns it (role and kind as strings, tool calls as
    JSON text): what per-step reads hand to a converter, so a reply can be built without an
    intermediate Message per row. Readers unpack it by position, in this field order."""

    id: str
    agent_id: str
    role: str
    kind: str
    content: str
    tool_calls: str  # the stored JSON list of {"id", "name", "arguments"}; see decode_tool_calls
    tool_call_id: str
    tool_name: str
    step_id: str
    sequence: int
    created_at: datetime


def decode_tool_calls(stored: str) -> list[dict[str, Any]]:
    """A record's tool calls; most messages have none, stored as '[]'."""
    return [] if stored == "[]" else json.loads(stored)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """Role and time-range filters shared by listing and searching."""

    roles: tuple[Role, ...] = ()
    start_time: datetime | None = None
    end_time: datetime | None = None

    def is_empty(self) -> bool:
        return not self.roles and self.start_time is None and self.end_time is None


@dataclass(frozen=True, slots=True)
class SearchHit:
    message: Message
    score: float


@dataclass(frozen=True, slots=True)
class AgentMemory(Generic[M]):
    """Everything needed to compile one context window (messages as Message, or as whatever
    the caller converted the stored records to)."""

    agent_id: str
    blocks: tuple[Block, ...]
    in_context_messages: tuple[M, ...]
    summary: str
    recall_message_count: int
    context_version: int


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    next_page_token: str = ""
