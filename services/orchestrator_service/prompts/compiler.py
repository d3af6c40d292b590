"""Compiles an agent's state into the messages sent to the LLM.

Layout of the system message: the base instructions, then <memory_blocks> (each block with its
description, characters used and limit), then an optional <conversation_summary>, then
<memory_metadata> (recall and archival statistics). The in-context messages follow it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from memvisor.memory.v1 import block_pb2, message_pb2
from memvisor_common.timeutil import utcnow

CORE_MEMORY_PLACEHOLDER = "{CORE_MEMORY}"


@dataclass(frozen=True, slots=True)
class ArchivalStats:
    passage_count: int
    source_passage_count: int
    tags: tuple[str, ...]


def render_block(block: block_pb2.Block) -> str:
    metadata = []
    if block.read_only:
        metadata.append("- read_only=true")
    metadata += [f"- chars_current={len(block.value)}", f"- chars_limit={block.limit}"]
    return (
        f"<{block.label}>\n<description>\n{block.description}\n</description>\n"
        f"<metadata>\n" + "\n".join(metadata) + "\n</metadata>\n"
        f"<value>\n{block.value}\n</value>\n</{block.label}>"
    )


def render_memory(
    agent_id: str,
    blocks: list[block_pb2.Block],
    summary: str,
    recall_count: int,
    in_context_count: int,
    archival: ArchivalStats | None,
    now: datetime | None = None,
    rules_text: str = "",
) -> str:
    parts = ["<memory_blocks>\nThe following memory blocks are currently engaged in your core memory unit:\n"]
    parts += [render_block(b) + "\n" for b in blocks]
    parts.append("</memory_blocks>")
    if rules_text:
        parts.append("\n" + rules_text)
    if summary:
        parts.append(f"\n<conversation_summary>\n{summary}\n</conversation_summary>")
    hidden = max(recall_count - in_context_count, 0)
    meta = [
        f"- AGENT_ID: {agent_id}",
        f"- Current time: {(now or utcnow()).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- {recall_count} messages are stored in recall memory; {hidden} of them are no longer in this "
        "context window (use conversation_search to find them)",
    ]
    if archival is not None:
        meta.append(
            f"- {archival.passage_count} memories you saved are stored in archival memory"
            + (
                f", plus {archival.source_passage_count} passages from attached data sources"
                if archival.source_passage_count
                else ""
            )
            + " (use archival_memory_search to find them)"
        )
        if archival.tags:
            meta.append(f"- Available archival memory tags: {', '.join(archival.tags)}")
    parts.append("\n\n<memory_metadata>\n" + "\n".join(meta) + "\n</memory_metadata>")
    return "\n".join(parts)


def compile_system_message(base_system: str, memory_text: str) -> str:
    if CORE_MEMORY_PLACEHOLDER in base_system:
        return base_system.replace(CORE_MEMORY_PLACEHOLDER, memory_text)
    return f"{base_system}\n\n{memory_text}"


_ROLE_NAMES = {
    message_pb2.MESSAGE_ROLE_SYSTEM: "system",
    message_pb2.MESSAGE_ROLE_USER: "user",
    message_pb2.MESSAGE_ROLE_ASSISTANT: "assistant",
    message_pb2.MESSAGE_ROLE_TOOL: "tool",
}


def to_chat_messages(system_message: str, messages: list[message_pb2.Message]) -> list[dict[str, Any]]:
    """Chat-completion messages: the compiled system message, then the in-context conversation."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system_message}]
    for m in messages:
        role = _ROLE_NAMES.get(m.role)
        if role is None:
            continue
        if role == "assistant":
            entry: dict[str, Any] = {"role": "assistant", "content": m.content or None}
            if m.tool_calls:
                entry["tool_calls"] = [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for c in m.tool_calls
                ]
            out.append(entry)
        elif role == "tool":
            out.append({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content})
        else:
            out.append({"role": role, "content": m.content})
    return out


def package_tool_return(ok: bool, value: str, now: datetime | None = None) -> str:
    """What the model sees as a tool's result."""
    return json.dumps(
        {
            "status": "OK" if ok else "Failed",
            "message": value,
            "time": (now or utcnow()).strftime("%Y-%m-%d %H:%M:%S UTC"),
        },
        ensure_ascii=False,
    )


def package_heartbeat(reason: str, now: datetime | None = None) -> str:
    return json.dumps(
        {
            "type": "heartbeat",
            "reason": f"[This is an automated system message hidden from the user] {reason}",
            "time": (now or utcnow()).strftime("%Y-%m-%d %H:%M:%S UTC"),
        },
        ensure_ascii=False,
    )


def package_system_alert(message: str, now: datetime | None = None) -> str:
    return json.dumps(
        {
            "type": "system_alert",
            "message": message,
            "time": (now or utcnow()).strftime("%Y-%m-%d %H:%M:%S UTC"),
        },
        ensure_ascii=False,
    )
