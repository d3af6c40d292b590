"""The edit verbs as pure functions of (current value, arguments) -> new value.

Limits and read-only are checked by the caller; these only decide what the text becomes.
"""

from __future__ import annotations

from memvisor_common.errors import InvalidArgument

from memory_service.errors import TextNotFound, TextNotUnique


def append(value: str, text: str) -> str:
    """On a new line, or the text alone when the block is empty."""
    return f"{value}\n{text}" if value else text


def replace(label: str, value: str, old_text: str, new_text: str, replace_all: bool) -> str:
    count = value.count(old_text)
    if count == 0:
        raise TextNotFound(label)
    if count > 1 and not replace_all:
        raise TextNotUnique(label, count)
    return value.replace(old_text, new_text)


def insert(value: str, text: str, line: int) -> str:
    """Inserts `text` after line `line` (0 = top, -1 = end); lines are 1-based."""
    lines = value.split("\n") if value else []
    if line == -1:
        index = len(lines)
    elif 0 <= line <= len(lines):
        index = line
    else:
        raise InvalidArgument(
            "line",
            f"is {line} but the block has {len(lines)} lines; use 0..{len(lines)} or -1 for the end",
            reason="LINE_OUT_OF_RANGE",
        )
    return "\n".join(lines[:index] + text.split("\n") + lines[index:])
