"""What full-text search indexes, and how user text becomes a query that cannot fail to parse.

User queries are reduced to word tokens; each token is then quoted (FTS5) or passed as a bound
parameter to plainto_tsquery (PostgreSQL), so no character a user types is ever query syntax.
Tokens are OR-ed: a message matching more of the words ranks higher, and one matching only some
is still found (recall search is for "what did we say about X").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from memory_service.domain import Kind, Role, ToolCall

_WORD = re.compile(r"\w+", re.UNICODE)

INDEXED_ROLES = (Role.USER, Role.ASSISTANT)

# PostgreSQL refuses a tsvector over 1 MiB, and the GIN index computes one on every insert, so
# a huge message would fail to store at all. 100k characters stays far below that for any
# script (<= 4 bytes per character plus 6 bytes per word); the message itself is kept whole.
MAX_INDEXED_CHARS = 100_000


def search_text(role: Role, kind: Kind, content: str, tool_calls: Iterable[ToolCall]) -> str:
    """The text to index: user/assistant chat only (not tool results, heartbeats or alerts).

    An assistant's words to the user usually travel as a tool argument (send_message's
    `message`), so string values of tool-call arguments are indexed with its inner thoughts.
    """
    if role not in INDEXED_ROLES or kind is not Kind.CHAT:
        return ""
    parts = [content] if content else []
    for call in tool_calls:
        parts.extend(_string_values(call.arguments))
    return "\n".join(p for p in parts if p.strip())[:MAX_INDEXED_CHARS]


def _string_values(arguments: str) -> list[str]:
    try:
        parsed: Any = json.loads(arguments) if arguments else None
    except ValueError:
        # The model's raw text is still what it said; index it rather than lose it.
        return [arguments]
    out: list[str] = []
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def query_terms(query: str, max_terms: int) -> list[str]:
    """Distinct word tokens of the query, in order, at most `max_terms`."""
    seen: dict[str, None] = {}
    for token in _WORD.findall(query.lower()):
        seen.setdefault(token, None)
        if len(seen) >= max_terms:
            break
    return list(seen)


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term a quoted string (\\w+ never contains a quote)."""
    return " OR ".join(f'"{t}"' for t in terms)
