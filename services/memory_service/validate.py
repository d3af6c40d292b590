"""Request checks that depend on configured limits; each names the offending field."""

from __future__ import annotations

import re
from collections.abc import Sequence

from memvisor_common.errors import InvalidArgument
from memvisor_common.validation import max_length, require, require_id

from memory_service.domain import BlockPatch, BlockRef, NewBlock, NewMessage, Role
from memory_service.errors import ToolCallSplit
from memory_service.settings import MemorySettings

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(field: str, value: str, limit: int) -> str:
    """At most `limit` characters, and no NUL (PostgreSQL text cannot hold one)."""
    max_length(field, value, limit)
    if "\x00" in value:
        raise InvalidArgument(field, "must not contain NUL characters")
    return value


def agent_id(value: str, field: str = "agent_id") -> str:
    return require_id(field, value, "agent")


def block_id(value: str, field: str = "block_id") -> str:
    return require_id(field, value, "block")


def message_id(value: str, field: str) -> str:
    return require_id(field, value, "message")


def label(value: str, field: str, settings: MemorySettings) -> str:
    require(field, value)
    text(field, value, settings.max_label_length)
    if value != value.strip() or _CONTROL.search(value):
        raise InvalidArgument(field, "must not have surrounding spaces or control characters")
    return value


def block_ref(ref: BlockRef, settings: MemorySettings, field: str = "selector") -> BlockRef:
    if ref.block_id:
        if ref.agent_id or ref.label:
            raise InvalidArgument(field, "set block_id, or agent_id with label, not both")
        block_id(ref.block_id, f"{field}.block_id")
        return ref
    if not ref.agent_id and not ref.label:
        raise InvalidArgument(field, "is required: set block_id, or agent_id with label")
    agent_id(ref.agent_id, f"{field}.agent_id")
    label(ref.label, f"{field}.label", settings)
    return ref


def resolve_limit(limit: int, field: str, settings: MemorySettings) -> int:
    """0 means the default; anything else must be within 1..max_block_limit."""
    if limit == 0:
        return settings.default_block_limit
    if limit < 0 or limit > settings.max_block_limit:
        raise InvalidArgument(field, f"is {limit}; it must be between 1 and {settings.max_block_limit}")
    return limit


def new_block(block: NewBlock, field: str, settings: MemorySettings) -> NewBlock:
    """Checks a block to create and returns it with its limit resolved."""
    label(block.label, f"{field}.label", settings)
    limit = resolve_limit(block.limit, f"{field}.limit", settings)
    text(f"{field}.description", block.description, settings.max_description_length)
    if len(block.value) > limit:
        raise InvalidArgument(
            f"{field}.value",
            f"is {len(block.value)} characters but the block's limit is {limit}",
            reason="BLOCK_LIMIT_EXCEEDED",
        )
    text(f"{field}.value", block.value, limit)
    return NewBlock(block.label, block.value, limit, block.description, block.read_only)


def block_patch(patch: BlockPatch, settings: MemorySettings) -> BlockPatch:
    if patch.is_empty():
        raise InvalidArgument("update_mask", "names no field to update")
    if patch.label is not None:
        label(patch.label, "block.label", settings)
    if patch.value is not None:
        text("block.value", patch.value, settings.max_block_limit)
    if patch.description is not None:
        text("block.description", patch.description, settings.max_description_length)
    if patch.limit is not None:
        patch = BlockPatch(
            patch.label,
            patch.value,
            resolve_limit(patch.limit, "block.limit", settings),
            patch.description,
            patch.read_only,
        )
    return patch


def edit_text(field: str, value: str, settings: MemorySettings, *, required: bool = True) -> str:
    if required:
        require(field, value)
    return text(field, value, settings.max_block_limit)


def expected_version(value: int, field: str = "expected_version") -> int:
    if value < 0:
        raise InvalidArgument(field, "must not be negative")
    return value


def messages(items: Sequence[NewMessage], settings: MemorySettings) -> dict[int, int]:
    """Checks a batch to append; returns {tool message index: index of the message with its call}.

    Every tool call must be answered by a later tool message of the same batch, exactly once,
    so recall never holds a call without its result (the LLM APIs reject such histories).
    """
    if not items:
        raise InvalidArgument("messages", "is required")
    if len(items) > settings.max_messages_per_append:
        raise InvalidArgument(
            "messages", f"has {len(items)} items; the maximum is {settings.max_messages_per_append}"
        )
    open_calls: dict[str, int] = {}  # call id -> index of the assistant message, until answered
    seen_calls: set[str] = set()
    answers: dict[int, int] = {}
    for i, msg in enumerate(items):
        field = f"messages[{i}]"
        text(f"{field}.content", msg.content, settings.max_message_chars)
        text(f"{field}.step_id", msg.step_id, settings.max_identifier_length)
        text(f"{field}.tool_name", msg.tool_name, settings.max_identifier_length)
        if msg.tool_calls and msg.role is not Role.ASSISTANT:
            raise InvalidArgument(f"{field}.tool_calls", "only assistant messages may call tools")
        if len(msg.tool_calls) > settings.max_tool_calls_per_message:
            raise InvalidArgument(
                f"{field}.tool_calls",
                f"has {len(msg.tool_calls)} calls; the maximum is {settings.max_tool_calls_per_message}",
            )
        for j, call in enumerate(msg.tool_calls):
            cf = f"{field}.tool_calls[{j}]"
            require(f"{cf}.id", call.id)
            text(f"{cf}.id", call.id, settings.max_identifier_length)
            require(f"{cf}.name", call.name)
            text(f"{cf}.name", call.name, settings.max_identifier_length)
            text(f"{cf}.arguments", call.arguments, settings.max_message_chars)
            if call.id in seen_calls:
                raise InvalidArgument(f"{cf}.id", f"tool call id {call.id!r} is used twice in this request")
            seen_calls.add(call.id)
            open_calls[call.id] = i
        if msg.role is Role.TOOL:
            require(f"{field}.tool_call_id", msg.tool_call_id)
            text(f"{field}.tool_call_id", msg.tool_call_id, settings.max_identifier_length)
            if msg.tool_call_id not in open_calls:
                why = (
                    "answers a tool call that is already answered in this request"
                    if msg.tool_call_id in seen_calls
                    else "answers a tool call that is not earlier in this request; a result must be "
                    "appended together with its call"
                )
                raise ToolCallSplit(f"{field}.tool_call_id", f"{msg.tool_call_id!r} {why}")
            answers[i] = open_calls.pop(msg.tool_call_id)
        elif msg.tool_call_id:
            raise InvalidArgument(f"{field}.tool_call_id", "only tool messages answer tool calls")
    if open_calls:
        call_id, index = next(iter(open_calls.items()))
        raise ToolCallSplit(
            f"messages[{index}].tool_calls",
            f"tool call {call_id!r} has no tool message with its result in this request",
        )
    return answers
