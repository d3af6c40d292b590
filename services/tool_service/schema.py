"""Derives a tool's name, description and JSON schema from its source, without running it.

Only `ast` reads the code: nothing is imported or executed, so upserting hostile source is as
safe as storing a string. Type hints become JSON-schema types; parameters with defaults are
optional; an `agent_state` parameter is filled in by the sandbox and hidden from the LLM.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any

from memvisor_common.errors import InvalidArgument
from tool_service.docstrings import parse_google_docstring

AGENT_STATE_PARAM = "agent_state"
_SOURCE_FIELD = "tool.source_code"
_SCHEMA_FIELD = "tool.json_schema"

_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
            "list": "array", "List": "array", "tuple": "array", "Tuple": "array", "set": "array",
            "dict": "object", "Dict": "object", "Mapping": "object", "None": "null", "NoneType": "null"}
_UNTYPED = {"Any", "object"}


@dataclass(frozen=True)
class DerivedTool:
    """What the registry stores besides the source."""

    name: str
    description: str
    json_schema: dict[str, Any]  # {"name", "description", "parameters"}
    takes_agent_state: bool


@dataclass(frozen=True)
class _Param:
    name: str
    annotation: ast.expr | None
    has_default: bool


class _TypeHintError(Exception):
    pass


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional -> Optional
        return node.attr
    raise _TypeHintError(ast.unparse(node))


def _union_members(node: ast.expr) -> list[ast.expr] | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*(_union_members(node.left) or [node.left]), *(_union_members(node.right) or [node.right])]
    if isinstance(node, ast.Subscript) and _dotted(node.value) == "Union":
        sl = node.slice
        return list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
    return None


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id in ("None", "NoneType"))


def type_to_schema(node: ast.expr) -> dict[str, Any]:
    """JSON schema for one annotation; raises _TypeHintError for hints with no JSON meaning."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "list[str]" forward ref
        try:
            return type_to_schema(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            raise _TypeHintError(node.value) from None
    members = _union_members(node)
    if members is not None:
        concrete = [m for m in members if not _is_none(m)]
        if len(concrete) == 1:  # Optional[X] / X | None: the value is X when given
            return type_to_schema(concrete[0])
        return {"anyOf": [type_to_schema(m) for m in concrete]}
    if isinstance(node, ast.Subscript):
        outer = _dotted(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return type_to_schema(args[0])
        if outer == "Literal":
            values = [a.value for a in args if isinstance(a, ast.Constant)]
            if len(values) != len(args):
                raise _TypeHintError(ast.unparse(node))
            kinds = {type(v) for v in values}
            schema: dict[str, Any] = {"enum": values}
            if len(kinds) == 1:
                schema["type"] = {str: "string", int: "integer", float: "number", bool: "boolean"}.get(
                    kinds.pop(), "string")
            return schema
        base = _SCALARS.get(outer)
        if base == "array":
            item = args[0]
            return {"type": "array"} if isinstance(item, ast.Constant) and item.value is Ellipsis else {
                "type": "array", "items": type_to_schema(item)}
        if base == "object":
            return {"type": "object"} if len(args) < 2 else {
                "type": "object", "additionalProperties": type_to_schema(args[1])}
        raise _TypeHintError(ast.unparse(node))
    name = _dotted(node)
    if name in _UNTYPED:
        return {}
    if name in _SCALARS:
        return {"type": _SCALARS[name]}
    raise _TypeHintError(ast.unparse(node))


def parse_source(source: str) -> ast.Module:
    try:
        return ast.parse(source, filename="<tool>")
    except SyntaxError as exc:
        raise InvalidArgument(_SOURCE_FIELD, f"does not parse: line {exc.lineno}: {exc.msg}",
                              reason="SOURCE_SYNTAX_ERROR") from None
    except ValueError as exc:  # e.g. null bytes
        raise InvalidArgument(_SOURCE_FIELD, f"does not parse: {exc}", reason="SOURCE_SYNTAX_ERROR") from None


def _pick_function(module: ast.Module, wanted: str | None) -> ast.FunctionDef | ast.AsyncFunctionDef:
    funcs = [n for n in module.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not funcs:
        raise InvalidArgument(_SOURCE_FIELD, "defines no top-level function", reason="NO_FUNCTION")
    if wanted:
        for func in funcs:
            if func.name == wanted:
                return func
        raise InvalidArgument(_SCHEMA_FIELD, f"names function {wanted!r}, which the source does not define",
                              reason="SCHEMA_MISMATCH")
    public = [f for f in funcs if not f.name.startswith("_")]
    if len(public) != 1:
        names = ", ".join(f.name for f in public) or "none"
        raise InvalidArgument(_SOURCE_FIELD, f"must define exactly one public top-level function (found: {names}); "
                              "prefix helpers with '_'", reason="AMBIGUOUS_FUNCTION")
    return public[0]


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[_Param]:
    a = func.args
    if a.vararg or a.kwarg:
        raise InvalidArgument(_SOURCE_FIELD, f"{func.name} takes *args or **kwargs, which a JSON schema "
                              "cannot describe", reason="UNSUPPORTED_SIGNATURE")
    if a.posonlyargs:
        raise InvalidArgument(_SOURCE_FIELD, f"{func.name} has positional-only parameters; tools are "
                              "called with keyword arguments", reason="UNSUPPORTED_SIGNATURE")
    positional = a.args
    first_default = len(positional) - len(a.defaults)
    params = [_Param(p.arg, p.annotation, i >= first_default) for i, p in enumerate(positional)]
    params += [_Param(p.arg, p.annotation, d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
    return params


def derive(source: str, *, description: str = "") -> DerivedTool:
    """Name, description and schema from the source's one public function."""
    func = _pick_function(parse_source(source), None)
    doc = parse_google_docstring(ast.get_docstring(func, clean=False))
    properties: dict[str, Any] = {}
    required: list[str] = []
    takes_state = False
    for p in _params(func):
        if p.name == AGENT_STATE_PARAM:
            takes_state = True
            continue
        if p.annotation is None:
            raise InvalidArgument(_SOURCE_FIELD, f"parameter {p.name!r} of {func.name} has no type hint; add one "
                                  "or pass an explicit json_schema", reason="MISSING_TYPE_HINT")
        try:
            prop = type_to_schema(p.annotation)
        except _TypeHintError as exc:
            raise InvalidArgument(_SOURCE_FIELD, f"parameter {p.name!r} of {func.name} has type hint {exc}, "
                                  "which has no JSON-schema equivalent (use str, int, float, bool, list[...], "
                                  "dict, Optional, Literal)", reason="UNSUPPORTED_TYPE_HINT") from None
        if doc.args.get(p.name):
            prop["description"] = doc.args[p.name]
        properties[p.name] = prop
        if not p.has_default:
            required.append(p.name)
    text = description or doc.summary
    schema = {"name": func.name, "description": text,
              "parameters": {"type": "object", "properties": properties, "required": required}}
    return DerivedTool(func.name, text, schema, takes_state)


def check_explicit(source: str, schema_text: str, *, description: str = "") -> DerivedTool:
    """Accepts a caller's schema only if it describes the function's parameters exactly."""
    try:
        schema = json.loads(schema_text)
    except ValueError as exc:
        raise InvalidArgument(_SCHEMA_FIELD, f"is not JSON: {exc}", reason="SCHEMA_INVALID") from None
    if isinstance(schema, dict) and schema.get("type") == "function" and isinstance(schema.get("function"), dict):
        schema = schema["function"]  # the OpenAI "tools" wrapper
    if not isinstance(schema, dict):
        raise InvalidArgument(_SCHEMA_FIELD, "must be a JSON object", reason="SCHEMA_INVALID")
    wanted = schema.get("name")
    if wanted is not None and not isinstance(wanted, str):
        raise InvalidArgument(_SCHEMA_FIELD, "name must be a string", reason="SCHEMA_INVALID")
    func = _pick_function(parse_source(source), wanted)
    params = _params(func)
    takes_state = any(p.name == AGENT_STATE_PARAM for p in params)
    visible = {p.name: p for p in params if p.name != AGENT_STATE_PARAM}
    parameters = schema.get("parameters", {"type": "object", "properties": {}})
    if not isinstance(parameters, dict) or parameters.get("type", "object") != "object":
        raise InvalidArgument(_SCHEMA_FIELD, "parameters must be an object schema", reason="SCHEMA_INVALID")
    props = parameters.get("properties", {})
    req = parameters.get("required", [])
    if not isinstance(props, dict) or not isinstance(req, list):
        raise InvalidArgument(_SCHEMA_FIELD, "parameters.properties must be an object and required a list",
                              reason="SCHEMA_INVALID")
    if set(props) != set(visible):
        missing, extra = sorted(set(visible) - set(props)), sorted(set(props) - set(visible))
        raise InvalidArgument(_SCHEMA_FIELD, f"does not match {func.name}'s parameters (missing: {missing}, "
                              f"not in the function: {extra})", reason="SCHEMA_MISMATCH")
    needed = sorted(n for n, p in visible.items() if not p.has_default)
    if unlisted := sorted(set(needed) - set(req)):
        raise InvalidArgument(_SCHEMA_FIELD, f"marks {unlisted} optional, but {func.name} has no default for "
                              "them", reason="SCHEMA_MISMATCH")
    if unknown := sorted(set(req) - set(props)):
        raise InvalidArgument(_SCHEMA_FIELD, f"requires {unknown}, which it does not define",
                              reason="SCHEMA_MISMATCH")
    text = description or str(schema.get("description") or "") or parse_google_docstring(
        ast.get_docstring(func, clean=False)).summary
    normalized = {"name": func.name, "description": text,
                  "parameters": {**parameters, "type": "object", "properties": props, "required": req}}
    return DerivedTool(func.name, text, normalized, takes_state)
