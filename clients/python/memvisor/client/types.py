"""Plain objects returned by the client (attribute access like the seed's, no protobuf needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.agents.v1 import agent_pb2
from memvisor.memory.v1 import block_pb2


def _dt(ts: Any) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if ts is not None and (ts.seconds or ts.nanos) else None


@dataclass
class Block:
    id: str
    label: str
    value: str
    limit: int
    description: str
    read_only: bool
    version: int
    agent_ids: list[str]
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_proto(cls, b: block_pb2.Block) -> Block:
        return cls(
            b.id,
            b.label,
            b.value,
            b.limit,
            b.description,
            b.read_only,
            b.version,
            list(b.agent_ids),
            _dt(b.create_time),
            _dt(b.update_time),
        )


@dataclass
class Memory:
    blocks: list[Block]

    def get_block(self, label: str) -> Block:
        for block in self.blocks:
            if block.label == label:
                return block
        raise KeyError(label)


_RULE_PREFIX = "TOOL_RULE_TYPE_"


@dataclass
class AgentState:
    id: str
    name: str
    description: str
    system: str
    model: str
    embedding: str
    tools: list[str]
    tool_rules: list[dict[str, Any]]
    tags: list[str]
    context_window_limit: int
    memory: Memory
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def blocks(self) -> list[Block]:
        return self.memory.blocks

    @classmethod
    def from_proto(cls, a: agent_pb2.Agent) -> AgentState:
        rules = []
        for r in a.tool_rules:
            rule: dict[str, Any] = {
                "type": agent_pb2.ToolRuleType.Name(r.type).removeprefix(_RULE_PREFIX).lower(),
                "tool_name": r.tool_name,
            }
            if r.children:
                rule["children"] = list(r.children)
            if r.child_output_mapping:
                rule["child_output_mapping"] = dict(r.child_output_mapping)
            if r.default_child:
                rule["default_child"] = r.default_child
            if r.max_count_limit:
                rule["max_count_limit"] = r.max_count_limit
            rules.append(rule)
        return cls(
            a.id,
            a.name,
            a.description,
            a.system,
            a.model,
            a.embedding,
            list(a.tool_names),
            rules,
            list(a.tags),
            a.context_window_limit,
            Memory([Block.from_proto(b) for b in a.blocks]),
            _dt(a.create_time),
            _dt(a.update_time),
        )


@dataclass
class ToolCall:
    name: str
    arguments: str
    tool_call_id: str


@dataclass
class Message:
    """One message view. `message_type` is user_message, reasoning_message, tool_call_message,
    tool_return_message or assistant_message; the other fields are filled as they apply."""

    id: str
    message_type: str
    date: datetime | None
    step_id: str = ""
    content: str | None = None  # user_message, assistant_message
    reasoning: str | None = None  # reasoning_message
    tool_call: ToolCall | None = None  # tool_call_message
    tool_return: str | None = None  # tool_return_message
    tool_call_id: str | None = None
    name: str | None = None
    status: str | None = None  # "success" | "error"
    stdout: str | None = None
    stderr: str | None = None

    @classmethod
    def from_proto(cls, m: am.AgentMessage) -> Message:
        kind = m.WhichOneof("payload") or ""
        msg = cls(m.id, kind, _dt(m.create_time), m.step_id)
        if kind == "user_message":
            msg.content = m.user_message.content
        elif kind == "assistant_message":
            msg.content = m.assistant_message.content
        elif kind == "reasoning_message":
            msg.reasoning = m.reasoning_message.reasoning
        elif kind == "tool_call_message":
            c = m.tool_call_message
            msg.tool_call = ToolCall(c.name, c.arguments, c.tool_call_id)
            msg.tool_call_id, msg.name = c.tool_call_id, c.name
        elif kind == "tool_return_message":
            r = m.tool_return_message
            msg.tool_return, msg.tool_call_id, msg.name = r.tool_return, r.tool_call_id, r.name
            msg.status = am.ToolReturnStatus.Name(r.status).removeprefix("TOOL_RETURN_STATUS_").lower()
            msg.stdout, msg.stderr = r.stdout, r.stderr
        return msg


@dataclass
class Usage:
    completion_tokens: int = 0
    prompt_tokens: int = 0
    total_tokens: int = 0
    step_count: int = 0
    message_type: str = "usage_statistics"

    @classmethod
    def from_proto(cls, u: am.UsageStatistics) -> Usage:
        return cls(u.completion_tokens, u.prompt_tokens, u.total_tokens, u.step_count)


def stop_reason_name(value: int) -> str:
    return am.StopReason.Name(value).removeprefix("STOP_REASON_").lower()


@dataclass
class StopReason:
    stop_reason: str
    message_type: str = "stop_reason"


@dataclass
class Response:
    messages: list[Message]
    usage: Usage
    stop_reason: str


@dataclass
class SearchResult:
    role: str
    score: float
    messages: list[Message] = field(default_factory=list)

    @property
    def content(self) -> str:
        for m in self.messages:
            if m.content:
                return m.content
        return next((m.reasoning or "" for m in self.messages if m.reasoning), "")


@dataclass
class ContextWindow:
    system_prompt: str
    message_count: int
    system_tokens: int
    message_tokens: int
    tool_tokens: int
    context_window_limit: int
    tools: list[dict[str, Any]]


@dataclass
class Passage:
    id: str
    text: str
    tags: list[str]
    metadata: dict[str, str]
    created_at: datetime | None
    archive_id: str = ""
    source_id: str = ""
    file_id: str = ""
    score: float | None = None  # set on search results

    @classmethod
    def from_proto(cls, p: Any, score: float | None = None) -> Passage:
        return cls(
            p.id,
            p.text,
            list(p.tags),
            dict(p.metadata),
            _dt(p.create_time),
            p.archive_id,
            p.source_id,
            p.file_id,
            score,
        )


@dataclass
class Source:
    id: str
    name: str
    description: str
    embedding: str
    embedding_dim: int
    passage_count: int
    file_count: int
    created_at: datetime | None

    @classmethod
    def from_proto(cls, s: Any) -> Source:
        return cls(
            s.id,
            s.name,
            s.description,
            s.embedding,
            s.embedding_dim,
            s.passage_count,
            s.file_count,
            _dt(s.create_time),
        )


@dataclass
class Job:
    """An ingestion job. `status`: pending, parsing, embedding, completed or failed."""

    id: str
    status: str
    source_id: str
    file_id: str
    progress: float
    processed_chunks: int
    total_chunks: int
    failure_reason: str
    created_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def from_proto(cls, j: Any) -> Job:
        from memvisor.archival.v1 import source_pb2

        status = source_pb2.JobStatus.Name(j.status).removeprefix("JOB_STATUS_").lower()
        return cls(
            j.id,
            status,
            j.source_id,
            j.file_id,
            j.progress,
            j.processed_chunks,
            j.total_chunks,
            j.failure_reason,
            _dt(j.create_time),
            _dt(j.complete_time),
        )


@dataclass
class Tool:
    id: str
    name: str
    description: str
    source_code: str
    json_schema: dict[str, Any]
    tags: list[str]
    return_char_limit: int
    pip_requirements: list[str]

    @classmethod
    def from_proto(cls, t: Any) -> Tool:
        import json

        return cls(
            t.id,
            t.name,
            t.description,
            t.source_code,
            json.loads(t.json_schema or "{}"),
            list(t.tags),
            t.return_char_limit,
            list(t.pip_requirements),
        )
