"""Runs one tool call: memory tools on memory-service, archival tools on archival-service, custom
tools in the tool-service sandbox. Every failure becomes a result for the model, never an exception."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from memvisor.archival.v1 import archival_service_pb2 as arch
from memvisor.memory.v1 import block_pb2, message_pb2
from memvisor.memory.v1 import memory_service_pb2 as mem
from memvisor.tools.v1 import tool_pb2
from memvisor.tools.v1 import tool_service_pb2 as tools_pb
from memvisor_common.errors import MemvisorError
from memvisor_common.grpc_host.peer import Peer
from memvisor_common.timeutil import to_timestamp
from orchestrator_service.domain import AgentConfig
from orchestrator_service.tools.base_schemas import SEND_MESSAGE

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What a tool call produced; `value` is the text the model sees."""

    ok: bool
    value: str
    stdout: str = ""
    stderr: str = ""


class ToolError(Exception):
    """A tool refused its input; the message is for the model."""


def _selector(agent_id: str, label: str) -> block_pb2.BlockSelector:
    return block_pb2.BlockSelector(agent_id=agent_id, label=label)


def _parse_date(value: str | None, field: str, end_of_day: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(
            f"{field} must be an ISO date like 2024-01-31 or 2024-01-31T14:00, got {value!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if end_of_day and len(value) <= 10:  # a bare date is inclusive of the whole day
        parsed += timedelta(days=1) - timedelta(microseconds=1)
    return parsed


class ToolExecutor:
    def __init__(
        self, memory: Peer, archival: Peer | None, tools: Peer | None, max_return_chars: int = 50_000
    ) -> None:
        self.memory = memory
        self.archival = archival
        self.tools = tools
        self.max_return_chars = max_return_chars
        self._builtin = {
            SEND_MESSAGE: self._send_message,
            "core_memory_append": self._core_memory_append,
            "core_memory_replace": self._core_memory_replace,
            "conversation_search": self._conversation_search,
            "archival_memory_insert": self._archival_insert,
            "archival_memory_search": self._archival_search,
        }

    def is_builtin(self, name: str) -> bool:
        return name in self._builtin

    async def execute(self, agent: AgentConfig, name: str, args: dict[str, Any]) -> ToolOutcome:
        outcome = await self._execute(agent, name, args)
        if len(outcome.value) <= self.max_return_chars:
            return outcome
        note = (
            f"\n... [NOTE: the tool's output was truncated: {len(outcome.value)} characters, "
            f"limit {self.max_return_chars}]"
        )
        return replace(outcome, value=outcome.value[: self.max_return_chars] + note)

    async def _execute(self, agent: AgentConfig, name: str, args: dict[str, Any]) -> ToolOutcome:
        try:
            if name in self._builtin:
                return ToolOutcome(True, await self._builtin[name](agent, **args))
            return await self._custom(agent, name, args)
        except ToolError as exc:
            return ToolOutcome(False, f"Error executing tool {name}: {exc}")
        except MemvisorError as exc:
            return ToolOutcome(False, f"Error executing tool {name}: {exc.message}")
        except TypeError as exc:  # arguments the schema allowed but the implementation does not take
            return ToolOutcome(False, f"Error executing tool {name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a bug in a tool must not end the turn
            log.exception("tool crashed", extra={"tool": name})
            return ToolOutcome(False, f"Error executing tool {name}: internal error ({type(exc).__name__})")

    async def _send_message(self, agent: AgentConfig, message: str) -> str:
        return "Sent message successfully."

    async def _core_memory_append(self, agent: AgentConfig, label: str, content: str) -> str:
        resp = await self.memory.call(
            "AppendToBlock",
            mem.AppendToBlockRequest(
                selector=_selector(agent.id, label), text=content, enforce_read_only=True
            ),
        )
        return f"Appended to block '{label}'. Its value is now:\n{resp.block.value}"

    async def _core_memory_replace(
        self, agent: AgentConfig, label: str, old_content: str, new_content: str
    ) -> str:
        if not old_content:
            raise ToolError("old_content must not be empty; use core_memory_append to add text")
        resp = await self.memory.call(
            "ReplaceInBlock",
            mem.ReplaceInBlockRequest(
                selector=_selector(agent.id, label),
                old_text=old_content,
                new_text=new_content,
                replace_all=True,
                enforce_read_only=True,
            ),
        )
        return f"Replaced text in block '{label}'. Its value is now:\n{resp.block.value}"

    async def _conversation_search(
        self,
        agent: AgentConfig,
        query: str,
        roles: list[str] | None = None,
        limit: int | None = None,
        start_date: str | None = None,
        end_date: str | None = None,
    ) -> str:
        role_map = {"user": message_pb2.MESSAGE_ROLE_USER, "assistant": message_pb2.MESSAGE_ROLE_ASSISTANT}
        bad = [r for r in roles or [] if r not in role_map]
        if bad:
            raise ToolError(f"roles may only contain 'user' and 'assistant', got {bad}")
        request = mem.SearchMessagesRequest(
            agent_id=agent.id,
            query=query,
            roles=[role_map[r] for r in roles or []],
            limit=max(1, min(int(limit or 5), 50)),
        )
        start = _parse_date(start_date, "start_date")
        end = _parse_date(end_date, "end_date", end_of_day=True)
        if start:
            request.start_time.CopyFrom(to_timestamp(start))
        if end:
            request.end_time.CopyFrom(to_timestamp(end))
        resp = await self.memory.call("SearchMessages", request)
        results = [_describe_message(r.message) for r in resp.results]
        if not results:
            return json.dumps({"message": "No results found.", "results": []})
        return json.dumps(
            {"message": f"Showing {len(results)} results:", "results": results}, ensure_ascii=False
        )

    def _require_archival(self) -> Peer:
        if self.archival is None:
            raise ToolError("archival memory is not available in this deployment")
        return self.archival

    async def _archival_insert(self, agent: AgentConfig, content: str, tags: list[str] | None = None) -> str:
        resp = await self._require_archival().call(
            "InsertPassages",
            arch.InsertPassagesRequest(
                agent_id=agent.id, passages=[arch.PassageInput(text=content, tags=tags or [])]
            ),
        )
        ids = [p.id for p in resp.passages]
        return (
            f"Saved to archival memory ({len(ids)} passage{'s' if len(ids) != 1 else ''}: {', '.join(ids)})."
        )

    async def _archival_search(
        self,
        agent: AgentConfig,
        query: str,
        tags: list[str] | None = None,
        tag_match_mode: str = "any",
        top_k: int | None = None,
        start_datetime: str | None = None,
        end_datetime: str | None = None,
    ) -> str:
        modes = {"any": arch.TAG_MATCH_MODE_ANY, "all": arch.TAG_MATCH_MODE_ALL}
        if tag_match_mode not in modes:
            raise ToolError("tag_match_mode must be 'any' or 'all'")
        request = arch.SearchPassagesRequest(
            agent_id=agent.id,
            query=query,
            top_k=max(1, min(int(top_k or 5), 50)),
            tags=tags or [],
            tag_match_mode=modes[tag_match_mode],
        )
        start = _parse_date(start_datetime, "start_datetime")
        end = _parse_date(end_datetime, "end_datetime", end_of_day=True)
        if start:
            request.start_time.CopyFrom(to_timestamp(start))
        if end:
            request.end_time.CopyFrom(to_timestamp(end))
        resp = await self._require_archival().call("SearchPassages", request)
        results = [
            {
                "id": r.passage.id,
                "timestamp": r.passage.create_time.ToDatetime(tzinfo=UTC).isoformat(),
                "content": r.passage.text,
                "tags": list(r.passage.tags),
                "score": round(r.score, 4),
            }
            for r in resp.results
        ]
        if not results:
            return json.dumps({"message": "No results found.", "results": []})
        return json.dumps(
            {"message": f"Showing {len(results)} results:", "results": results}, ensure_ascii=False
        )

    async def _custom(self, agent: AgentConfig, name: str, args: dict[str, Any]) -> ToolOutcome:
        if self.tools is None:
            return ToolOutcome(False, f"Error executing tool {name}: custom tools are not available here")
        blocks = await self.memory.call(
            "ListBlocks", mem.ListBlocksRequest(agent_id=agent.id, page_size=1000)
        )
        state = tool_pb2.AgentState(
            id=agent.id, name=agent.name, tags=agent.tags, memory={b.label: b.value for b in blocks.blocks}
        )
        resp = await self.tools.call(
            "ExecuteTool",
            tools_pb.ExecuteToolRequest(
                # No env: the tool-service tells the sandbox how to reach the suite (its own socket).
                name=name,
                arguments=json.dumps(args),
                agent_state=state,
            ),
        )
        result = resp.result
        if result.status == tool_pb2.EXECUTION_STATUS_SUCCESS:
            value = result.return_value
            try:  # a plain string return reads better unquoted
                decoded = json.loads(value) if value else None
                value = decoded if isinstance(decoded, str) else ("None" if decoded is None else value)
            except ValueError:
                pass
            return ToolOutcome(True, value, result.stdout, result.stderr)
        status = tool_pb2.ExecutionStatus.Name(result.status).removeprefix("EXECUTION_STATUS_").lower()
        return ToolOutcome(
            False, f"Error executing tool {name} ({status}): {result.error}", result.stdout, result.stderr
        )


def _describe_message(m: message_pb2.Message) -> dict[str, Any]:
    role = "user" if m.role == message_pb2.MESSAGE_ROLE_USER else "assistant"
    content = m.content
    sent = [c for c in m.tool_calls if c.name == SEND_MESSAGE]
    if sent:
        try:
            content = json.loads(sent[0].arguments).get("message", content)
        except (ValueError, AttributeError):
            pass
    return {"timestamp": m.create_time.ToDatetime(tzinfo=UTC).isoformat(), "role": role, "content": content}
