"""print_message: a readable line per message, usage or stop reason (as the seed prints them)."""

from __future__ import annotations

from typing import Any


def format_message(message: Any) -> str:
    kind = getattr(message, "message_type", "")
    if kind == "reasoning_message":
        return f"💭 reasoning: {message.reasoning}"
    if kind == "assistant_message":
        return f"🤖 assistant: {message.content}"
    if kind == "user_message":
        return f"🧑 user: {message.content}"
    if kind == "tool_call_message":
        return f"🔧 tool call: {message.tool_call.name}({message.tool_call.arguments})"
    if kind == "tool_return_message":
        return f"📦 tool return [{message.status}]: {message.tool_return}"
    if kind == "usage_statistics":
        return (
            f"📊 usage: {message.step_count} steps, {message.prompt_tokens} prompt tokens, "
            f"{message.completion_tokens} completion tokens"
        )
    if kind == "stop_reason":
        return f"🛑 stop reason: {message.stop_reason}"
    return repr(message)


def print_message(message: Any) -> None:
    print(format_message(message))
