"""Schema derivation from source (never executed) and refusal of bad source or schemas."""

from __future__ import annotations

import json

import grpc
import pytest

from memvisor_common.errors import InvalidArgument
from tests.tools.conftest import ToolsClient, expect_error
from tool_service import schema
from tool_service.docstrings import parse_google_docstring

SEED_PUSH = '''def task_queue_push(agent_state: "AgentState", task_description: str):
    """
    Push to a task queue stored in core memory.

    Args:
        task_description (str): A description of the next task you must accomplish.

    Returns:
        Optional[str]: None is always returned as this function
        does not produce a response.
    """
    from letta_client import Letta
    return None
'''


def test_seed_tool_schema_hides_agent_state() -> None:
    derived = schema.derive(SEED_PUSH)
    assert derived.name == "task_queue_push" and derived.takes_agent_state
    assert derived.json_schema == {
        "name": "task_queue_push", "description": "Push to a task queue stored in core memory.",
        "parameters": {"type": "object", "required": ["task_description"], "properties": {
            "task_description": {"type": "string",
                                 "description": "A description of the next task you must accomplish."}}},
    }


def test_type_hints_and_defaults() -> None:
    src = '''from typing import Literal, Optional
def f(a: list[int], b: Optional[str] = None, c: "dict[str, float]" = {}, *, d: Literal["x", "y"] = "x",
      e: bool = False, g: float | None = None, h: tuple[str, ...] = ()) -> str:
    """Summary line.

    More summary.

    Args:
        a: first
            continued.
        d (str): mode
    """
'''
    props = schema.derive(src).json_schema["parameters"]
    assert props["required"] == ["a"]
    p = props["properties"]
    assert p["a"] == {"type": "array", "items": {"type": "integer"}, "description": "first continued."}
    assert p["b"] == {"type": "string"}
    assert p["c"] == {"type": "object", "additionalProperties": {"type": "number"}}
    assert p["d"] == {"enum": ["x", "y"], "type": "string", "description": "mode"}
    assert p["e"] == {"type": "boolean"} and p["g"] == {"type": "number"} and p["h"] == {"type": "array", "items": {"type": "string"}}
    assert schema.derive(src).description == "Summary line.\n\nMore summary."


def test_source_is_never_executed(tmp_path) -> None:  # noqa: ANN001
    marker = tmp_path / "ran"
    src = f"open({str(marker)!r}, 'w').write('x')\ndef f(x: int = open({str(marker)!r}, 'w')) -> int:\n    return x\n"
    schema.derive(src)
    assert not marker.exists()


@pytest.mark.parametrize("src,reason", [
    ("def broken(:\n    pass\n", "SOURCE_SYNTAX_ERROR"),
    ("x = 1\n", "NO_FUNCTION"),
    ("def a() -> int:\n    return 1\ndef b() -> int:\n    return 2\n", "AMBIGUOUS_FUNCTION"),
    ("def f(*args) -> int:\n    return 1\n", "UNSUPPORTED_SIGNATURE"),
    ("def f(x) -> int:\n    return 1\n", "MISSING_TYPE_HINT"),
    ("import socket\ndef f(x: socket.socket) -> int:\n    return 1\n", "UNSUPPORTED_TYPE_HINT"),
])
def test_bad_source_is_refused(src: str, reason: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        schema.derive(src)
    assert info.value.reason == reason


def test_helpers_with_underscore_are_allowed() -> None:
    assert schema.derive("def _h() -> int:\n    return 1\ndef main(x: int) -> int:\n    return _h()\n").name == "main"


def test_docstring_parser_handles_flattened_seed_text() -> None:
    doc = parse_google_docstring("Push to a task queue.\nArgs:\ntask_description (str): A description.\n"
                                 "Returns:\nOptional[str]: None is always returned")
    assert doc.summary == "Push to a task queue." and doc.args == {"task_description": "A description."}


async def test_explicit_schema_must_match(tools: ToolsClient) -> None:
    src = "def greet(name, times=1):\n    return name * times\n"
    good = {"name": "greet", "description": "Greets.", "parameters": {"type": "object", "properties": {
        "name": {"type": "string"}, "times": {"type": "integer"}}, "required": ["name"]}}
    tool = await tools.upsert(src, json_schema=json.dumps(good))
    assert json.loads(tool.json_schema)["description"] == "Greets." and tool.description == "Greets."
    wrapped = {"type": "function", "function": good}
    assert (await tools.upsert(src, json_schema=json.dumps(wrapped))).id == tool.id
    cases = [
        ({**good, "parameters": {"type": "object", "properties": {"name": {"type": "string"}}}}, "SCHEMA_MISMATCH"),
        ({**good, "parameters": {**good["parameters"], "required": []}}, "SCHEMA_MISMATCH"),
        ({**good, "name": "other"}, "SCHEMA_MISMATCH"),
    ]
    for bad, reason in cases:
        await expect_error(tools.upsert(src, json_schema=json.dumps(bad)), grpc.StatusCode.INVALID_ARGUMENT, reason)
    await expect_error(tools.upsert(src, json_schema="{nope"), grpc.StatusCode.INVALID_ARGUMENT, "SCHEMA_INVALID")


async def test_refusals_over_grpc_carry_reasons(tools: ToolsClient) -> None:
    await expect_error(tools.upsert("def broken(:\n"), grpc.StatusCode.INVALID_ARGUMENT, "SOURCE_SYNTAX_ERROR")
    await expect_error(tools.upsert(""), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELD")
    await expect_error(tools.upsert("def f() -> int:\n    return 1\n", name="g"),
                       grpc.StatusCode.INVALID_ARGUMENT, "NAME_MISMATCH")
