"""Validation of upsert requests and of the arguments an LLM passes to a tool."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from memvisor_common.errors import InvalidArgument
from memvisor_common.validation import max_length
from tool_service.settings import ToolSettings

_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,255}$")
_MAX_TAG_CHARS = 256
_MAX_REQUIREMENT_CHARS = 256
_MAX_ENV_VALUE_CHARS = 32_768


def clean_tags(tags: Iterable[str], settings: ToolSettings) -> tuple[str, ...]:
    out: list[str] = []
    for i, tag in enumerate(tags):
        if not tag.strip():
            raise InvalidArgument(f"tool.tags[{i}]", "must not be empty")
        max_length(f"tool.tags[{i}]", tag, _MAX_TAG_CHARS)
        if tag not in out:
            out.append(tag)
    if len(out) > settings.max_tags:
        raise InvalidArgument("tool.tags", f"has {len(out)} tags; the maximum is {settings.max_tags}")
    return tuple(out)


def clean_requirements(reqs: Iterable[str], settings: ToolSettings) -> tuple[str, ...]:
    out = [r.strip() for r in reqs]
    for i, req in enumerate(out):
        if not req or "\n" in req:
            raise InvalidArgument(f"tool.pip_requirements[{i}]", "must be one non-empty requirement string")
        max_length(f"tool.pip_requirements[{i}]", req, _MAX_REQUIREMENT_CHARS)
    if len(out) > settings.max_pip_requirements:
        raise InvalidArgument("tool.pip_requirements", f"has {len(out)} entries; the maximum is "
                              f"{settings.max_pip_requirements}")
    return tuple(dict.fromkeys(out))


def return_char_limit(requested: int, settings: ToolSettings) -> int:
    if requested < 0:
        raise InvalidArgument("tool.return_char_limit", "must not be negative")
    if requested > settings.max_return_char_limit:
        raise InvalidArgument("tool.return_char_limit", f"is {requested}; the maximum is "
                              f"{settings.max_return_char_limit}")
    return requested or settings.default_return_char_limit


def clean_env(env: Mapping[str, str], settings: ToolSettings) -> dict[str, str]:
    """The caller's variables for the tool; names the kernel would mangle are refused."""
    if len(env) > settings.max_env_vars:
        raise InvalidArgument("env", f"has {len(env)} variables; the maximum is {settings.max_env_vars}")
    for name, value in env.items():
        if not _ENV_NAME_RE.match(name):
            raise InvalidArgument(f"env[{name!r}]", "must be a name like MY_VAR", reason="INVALID_ENV_NAME")
        if "\0" in value or len(value) > _MAX_ENV_VALUE_CHARS:
            raise InvalidArgument(f"env[{name!r}]", f"must be under {_MAX_ENV_VALUE_CHARS} characters and "
                                  "contain no NUL", reason="INVALID_ENV_VALUE")
    return dict(env)


class ArgumentsError(Exception):
    """The LLM's arguments do not fit the tool: reported to the LLM as a tool error."""


def parse_arguments(text: str, schema: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """The arguments object, checked against the tool's parameters (names and required ones)."""
    if len(text) > max_chars:
        raise ArgumentsError(f"the arguments are {len(text)} characters; the maximum is {max_chars}")
    try:
        args = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise ArgumentsError(f"the arguments are not valid JSON ({exc})") from None
    if not isinstance(args, dict):
        raise ArgumentsError(f"the arguments must be a JSON object, got {type(args).__name__}")
    params = schema.get("parameters", {})
    props = params.get("properties", {})
    if unknown := sorted(set(args) - set(props)):
        raise ArgumentsError(f"unexpected arguments {unknown}; this tool takes {sorted(props)}")
    if missing := sorted(set(params.get("required", [])) - set(args)):
        raise ArgumentsError(f"missing required arguments {missing}")
    return args
