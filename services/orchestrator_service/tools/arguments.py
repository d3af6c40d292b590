"""Turning what a model wrote into tool arguments: parse, repair where safe, validate."""

from __future__ import annotations

import ast
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*|\s*```\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class ArgumentError(ValueError):
    """The arguments cannot be used; the message is written for the model."""


def parse_arguments(text: str) -> dict[str, Any]:
    """A JSON object from the model's argument text, repairing common small-model slips."""
    if not text or not text.strip():
        return {}
    candidates = [text, _FENCE.sub("", text.strip())]
    candidates.append(_TRAILING_COMMA.sub(r"\1", candidates[-1]))
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
        raise ArgumentError(f"arguments must be a JSON object, got {type(value).__name__}")
    try:  # Python-literal dicts: single quotes, True/False/None. literal_eval never executes code.
        value = ast.literal_eval(candidates[-1].strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return value
    raise ArgumentError(f"arguments are not valid JSON: {text[:200]!r}")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def validate_arguments(parameters: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """Checks required and known arguments and their JSON types; coerces obvious string forms."""
    props: dict[str, Any] = parameters.get("properties") or {}
    missing = [r for r in parameters.get("required") or [] if r not in args]
    if missing:
        raise ArgumentError(f"missing required argument(s): {', '.join(missing)}")
    unknown = [k for k in args if k not in props]
    if unknown and not parameters.get("additionalProperties", False):
        raise ArgumentError(f"unknown argument(s): {', '.join(unknown)}; expected: {', '.join(props)}")
    out: dict[str, Any] = {}
    for key, value in args.items():
        expected = (props.get(key) or {}).get("type")
        out[key] = _coerce(key, value, expected) if isinstance(expected, str) else value
    return out


def _coerce(key: str, value: Any, expected: str) -> Any:
    allowed = _JSON_TYPES.get(expected)
    if allowed is None or value is None:
        return value
    if expected in ("integer", "number") and isinstance(value, bool):
        raise ArgumentError(f"argument {key!r} must be {expected}, got boolean")
    if isinstance(value, allowed):
        return value
    if isinstance(value, str):
        text = value.strip()
        if expected == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if expected == "integer" and re.fullmatch(r"-?\d+", text):
            return int(text)
        if expected == "number":
            try:
                return float(text)
            except ValueError:
                pass
    if expected == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    raise ArgumentError(f"argument {key!r} must be {expected}, got {type(value).__name__}")


def pop_heartbeat(args: dict[str, Any]) -> bool:
    value = args.pop("request_heartbeat", False)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


@dataclass(frozen=True, slots=True)
class RecoveredCall:
    name: str
    arguments: str
    remaining_text: str
    id: str


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
_TOOL_CALL_TAGS = re.compile(r"</?tool_call>|</?function_call>")


def recover_tool_call_from_text(text: str, known_tools: set[str]) -> RecoveredCall | None:
    """Small local models often write the tool call as JSON in the message text. Recover it when the
    JSON names a tool the agent has; anything else stays text."""
    if not text or "{" not in text:
        return None
    cleaned = _TOOL_CALL_TAGS.sub("", _FENCE.sub("", text.strip()))
    match = _JSON_OBJECT.search(cleaned)
    if match is None:
        return None
    try:
        obj = parse_arguments(match.group(0))
    except ArgumentError:
        return None
    if isinstance(obj.get("function"), dict):
        obj = obj["function"]
    name = obj.get("name") or obj.get("tool") or obj.get("tool_name")
    args = next(
        (obj[k] for k in ("arguments", "parameters", "args", "tool_input", "input") if k in obj), None
    )
    if not isinstance(name, str) or name not in known_tools:
        return None
    if isinstance(args, str):
        try:
            args = parse_arguments(args)
        except ArgumentError:
            return None
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return None
    remaining = (cleaned[: match.start()] + cleaned[match.end() :]).strip()
    return RecoveredCall(name, json.dumps(args), remaining, f"call_{uuid.uuid4().hex[:24]}")
