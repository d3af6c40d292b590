"""Protobuf <-> orchestrator domain types, and UpdateAgent's field mask."""

from __future__ import annotations

from memvisor.agents.v1 import agent_pb2
from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.memory.v1 import block_pb2
from memvisor_common.errors import InvalidArgument
from memvisor_common.timeutil import from_timestamp, to_timestamp
from memvisor_common.validation import max_length
from orchestrator_service.domain import AgentConfig, ImportedMessage, InputMessage, NewAgent, ToolRuleSpec
from orchestrator_service.settings import OrchestratorSettings

_RULE_PREFIX = "TOOL_RULE_TYPE_"


def rule_from_proto(rule: agent_pb2.ToolRule, field: str) -> ToolRuleSpec:
    if rule.type == agent_pb2.TOOL_RULE_TYPE_UNSPECIFIED:
        raise InvalidArgument(f"{field}.type", "is required")
    if not rule.tool_name:
        raise InvalidArgument(f"{field}.tool_name", "is required")
    return ToolRuleSpec(
        type=agent_pb2.ToolRuleType.Name(rule.type).removeprefix(_RULE_PREFIX).lower(),
        tool_name=rule.tool_name,
        children=tuple(rule.children),
        child_output_mapping=dict(rule.child_output_mapping),
        default_child=rule.default_child,
        require_output_mapping=rule.require_output_mapping,
        max_count_limit=rule.max_count_limit,
    )


def rule_to_proto(rule: ToolRuleSpec) -> agent_pb2.ToolRule:
    return agent_pb2.ToolRule(
        type=agent_pb2.ToolRuleType.Value(_RULE_PREFIX + rule.type.upper()),
        tool_name=rule.tool_name,
        children=list(rule.children),
        child_output_mapping=rule.child_output_mapping,
        default_child=rule.default_child,
        require_output_mapping=rule.require_output_mapping,
        max_count_limit=rule.max_count_limit,
    )


def agent_to_proto(agent: AgentConfig, blocks: list[block_pb2.Block] | None = None) -> agent_pb2.Agent:
    return agent_pb2.Agent(
        id=agent.id,
        name=agent.name,
        description=agent.description,
        system=agent.system,
        model=agent.model,
        embedding=agent.embedding,
        tool_names=agent.tool_names,
        tool_rules=[rule_to_proto(r) for r in agent.tool_rules],
        tags=agent.tags,
        context_window_limit=agent.context_window_limit,
        blocks=blocks or [],
        create_time=to_timestamp(agent.created_at),
        update_time=to_timestamp(agent.updated_at),
    )


def _check_common(
    settings: OrchestratorSettings, name: str, system: str, tags: list[str], context_window_limit: int
) -> None:
    max_length("name", name, settings.max_name_length)
    max_length("system", system, settings.max_system_prompt_chars)
    if len(tags) > settings.max_tags:
        raise InvalidArgument("tags", f"at most {settings.max_tags} tags are allowed")
    for i, tag in enumerate(tags):
        if not tag.strip():
            raise InvalidArgument(f"tags[{i}]", "must not be empty")
        max_length(f"tags[{i}]", tag, 256)
    if context_window_limit < 0:
        raise InvalidArgument("context_window_limit", "must not be negative")


def new_agent_from_request(req: svc.CreateAgentRequest, settings: OrchestratorSettings) -> NewAgent:
    if not req.model:
        raise InvalidArgument("model", "is required (e.g. 'openai/gpt-4o-mini')")
    _check_common(settings, req.name, req.system, list(req.tags), req.context_window_limit)
    for i, block in enumerate(req.memory_blocks):
        if not block.label:
            raise InvalidArgument(f"memory_blocks[{i}].label", "is required")
    return NewAgent(
        name=req.name.strip(),
        description=req.description,
        system=req.system,
        model=req.model,
        embedding=req.embedding,
        tool_ids=list(req.tool_ids),
        tools=list(req.tools),
        include_base_tools=req.include_base_tools if req.HasField("include_base_tools") else True,
        tool_rules=[rule_from_proto(r, f"tool_rules[{i}]") for i, r in enumerate(req.tool_rules)],
        tags=list(req.tags),
        context_window_limit=req.context_window_limit,
    )


_UPDATABLE = {
    "name",
    "description",
    "system",
    "model",
    "embedding",
    "tool_names",
    "tool_rules",
    "tags",
    "context_window_limit",
}


def agent_changes(req: svc.UpdateAgentRequest, settings: OrchestratorSettings) -> dict[str, object]:
    """The fields to change: those in update_mask, or every populated field when it is empty."""
    agent = req.agent
    paths = list(req.update_mask.paths)
    if not paths:
        paths = [f.name for f, _ in agent.ListFields() if f.name in _UPDATABLE]
    if not paths:
        raise InvalidArgument("update_mask", "names no field to update")
    changes: dict[str, object] = {}
    for path in paths:
        if path not in _UPDATABLE:
            raise InvalidArgument(
                "update_mask", f"{path!r} cannot be updated; allowed: {', '.join(sorted(_UPDATABLE))}"
            )
        if path == "tool_rules":
            changes[path] = [
                rule_from_proto(r, f"agent.tool_rules[{i}]") for i, r in enumerate(agent.tool_rules)
            ]
        elif path in ("tool_names", "tags"):
            changes[path] = list(getattr(agent, path))
        else:
            changes[path] = getattr(agent, path)
    if "name" in changes and not str(changes["name"]).strip():
        raise InvalidArgument("agent.name", "must not be empty")
    if "model" in changes and not changes["model"]:
        raise InvalidArgument("agent.model", "must not be empty")
    _check_common(
        settings,
        str(changes.get("name", "")),
        str(changes.get("system", "")),
        list(changes.get("tags", [])),
        int(changes.get("context_window_limit", 0)),
    )  # type: ignore[arg-type]
    return changes


def inputs_from_proto(messages: list) -> list[InputMessage]:
    return [InputMessage(role=m.role, content=m.content) for m in messages]


def imported_from_proto(messages: list[svc.ImportedMessage]) -> list[ImportedMessage]:
    return [
        ImportedMessage(m.role, m.content, from_timestamp(m.create_time, m.HasField("create_time")))
        for m in messages
    ]
