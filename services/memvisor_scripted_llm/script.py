"""What the scripted model answers: a Script maps each chat-completion request to a Reply."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ScriptedToolCall:
    name: str
    arguments: str  # raw text, so tests can send malformed JSON on purpose
    id: str | None = None


def tool_call(
    name: str, _raw: str | None = None, _id: str | None = None, **arguments: Any
) -> ScriptedToolCall:
    """tool_call("send_message", message="hi", request_heartbeat=False); `_raw` sends text as-is."""
    return ScriptedToolCall(name, _raw if _raw is not None else json.dumps(arguments), _id)


@dataclass(frozen=True)
class Reply:
    """One answer. `status` != 200 simulates an endpoint failure; `body` overrides the whole JSON."""

    content: str = ""
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    status: int = 200
    body: dict[str, Any] | str | None = None
    delay_seconds: float = 0.0
    finish_reason: str | None = None

    @classmethod
    def calls(cls, *calls: ScriptedToolCall, thinking: str = "") -> Reply:
        return cls(content=thinking, tool_calls=tuple(calls))


class Script(Protocol):
    def respond(self, request: dict[str, Any]) -> Reply: ...


@dataclass
class ReplyQueue:
    """Answers in order; each entry is a Reply or a function of the request returning one."""

    replies: deque[Reply | Callable[[dict[str, Any]], Reply]] = field(default_factory=deque)
    exhausted: Reply = field(
        default_factory=lambda: Reply(status=500, body={"error": {"message": "script exhausted"}})
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, replies: Iterable[Reply | Callable[[dict[str, Any]], Reply]]) -> ReplyQueue:
        return cls(deque(replies))

    def push(self, *replies: Reply | Callable[[dict[str, Any]], Reply]) -> None:
        with self._lock:
            self.replies.extend(replies)

    def respond(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            if not self.replies:
                return self.exhausted
            item = self.replies.popleft()
        return item(request) if callable(item) else item
