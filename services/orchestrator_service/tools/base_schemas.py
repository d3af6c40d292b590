"""Schemas of the base tools, as the LLM sees them (request_heartbeat is added for every tool)."""

from __future__ import annotations

from typing import Any

SEND_MESSAGE = "send_message"
HEARTBEAT_ARG = "request_heartbeat"

HEARTBEAT_PROPERTY = {
    "type": "boolean",
    "description": "Request an immediate heartbeat after the call. Set it to true if you want another "
    "step (to call another tool or send a follow-up message); when false, control returns to the user.",
}

_STR = {"type": "string"}

MEMORY_TOOLS: dict[str, dict[str, Any]] = {
    SEND_MESSAGE: {
        "description": "Sends a message to the human user.",
        "parameters": {
            "type": "object",
            "properties": {
                "message": {
                    **_STR,
                    "description": "Message contents. All unicode (including emojis) is supported.",
                }
            },
            "required": ["message"],
        },
    },
    "core_memory_append": {
        "description": "Appends to the contents of a core memory block.",
        "parameters": {
            "type": "object",
            "properties": {
                "label": {**_STR, "description": "Label of the block to edit (e.g. 'human', 'persona')."},
                "content": {
                    **_STR,
                    "description": "Content to append. All unicode (including emojis) is supported.",
                },
            },
            "required": ["label", "content"],
        },
    },
    "core_memory_replace": {
        "description": "Replaces text in a core memory block. To delete memories, use an empty string for "
        "new_content.",
        "parameters": {
            "type": "object",
            "properties": {
                "label": {**_STR, "description": "Label of the block to edit."},
                "old_content": {**_STR, "description": "Text to replace; must match exactly."},
                "new_content": {**_STR, "description": "Replacement text."},
            },
            "required": ["label", "old_content", "new_content"],
        },
    },
    "conversation_search": {
        "description": "Searches prior conversation history (recall memory) by words, ranked by relevance.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {**_STR, "description": "Words to search for."},
                "roles": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["user", "assistant"]},
                    "description": "Only messages from these roles.",
                },
                "limit": {"type": "integer", "description": "Maximum number of results (default 5)."},
                "start_date": {**_STR, "description": "Only messages on or after this date (YYYY-MM-DD)."},
                "end_date": {
                    **_STR,
                    "description": "Only messages on or before this date (YYYY-MM-DD), inclusive.",
                },
            },
            "required": ["query"],
        },
    },
}

ARCHIVAL_TOOLS: dict[str, dict[str, Any]] = {
    "archival_memory_insert": {
        "description": "Adds to archival memory. Make sure to phrase the memory contents such that it can be "
        "easily queried later.",
        "parameters": {
            "type": "object",
            "properties": {
                "content": {**_STR, "description": "Content to write to the memory."},
                "tags": {"type": "array", "items": _STR, "description": "Optional tags for filtering later."},
            },
            "required": ["content"],
        },
    },
    "archival_memory_search": {
        "description": "Searches archival memory (and attached data sources) by meaning.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {**_STR, "description": "What to search for."},
                "tags": {"type": "array", "items": _STR, "description": "Only passages with these tags."},
                "tag_match_mode": {
                    "type": "string",
                    "enum": ["any", "all"],
                    "description": "Match any (default) or all of the tags.",
                },
                "top_k": {"type": "integer", "description": "Maximum number of results (default 5)."},
                "start_datetime": {**_STR, "description": "Only passages created at or after (ISO 8601)."},
                "end_datetime": {**_STR, "description": "Only passages created at or before (ISO 8601)."},
            },
            "required": ["query"],
        },
    },
}


def base_tool_names(archival_available: bool) -> list[str]:
    names = list(MEMORY_TOOLS)
    if archival_available:
        names += list(ARCHIVAL_TOOLS)
    return names


def with_heartbeat(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI `tools` entry for a function, with request_heartbeat added."""
    params = {"type": "object", "properties": {}, "required": [], **parameters}
    props = dict(params.get("properties") or {})
    props[HEARTBEAT_ARG] = HEARTBEAT_PROPERTY
    required = [r for r in params.get("required") or [] if r != HEARTBEAT_ARG] + [HEARTBEAT_ARG]
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {**params, "properties": props, "required": required},
        },
    }
