"""Tool rules: which tools may run when, and whether a call ends or continues the turn.

The solver is per turn. Before each step it narrows the tools offered to the model; a call that
breaks a rule anyway is not executed and the model is told which tools are allowed and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from orchestrator_service.domain import ToolRuleSpec

_RULES_HEADER = (
    "<tool_usage_rules>\nThe following constraints define rules for tool usage. They are enforced: a call "
    "that breaks them is not executed.\n"
)


@dataclass
class ToolRulesSolver:
    rules: list[ToolRuleSpec]
    called: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    _next_allowed: set[str] | None = None  # set by the last call's child/conditional rule
    _next_reason: str = ""

    def _of(self, kind: str) -> list[ToolRuleSpec]:
        return [r for r in self.rules if r.type == kind]

    def allowed(self, names: set[str]) -> tuple[set[str], list[str]]:
        """Tools the model may call now, and the reasons for any narrowing."""
        allowed, reasons = set(names), []
        init = {r.tool_name for r in self._of("run_first")}
        if not self.called and init:
            allowed &= init
            reasons.append(f"the turn must start with one of: {', '.join(sorted(init))}")
        if self._next_allowed is not None:
            allowed &= self._next_allowed
            reasons.append(self._next_reason)
        last = self.called[-1] if self.called else None
        for rule in self._of("parent_last_tool"):
            if last != rule.tool_name:
                blocked = set(rule.children) & allowed
                if blocked:
                    allowed -= blocked
                    reasons.append(
                        f"{', '.join(sorted(blocked))} can only be used right after {rule.tool_name}"
                    )
        for rule in self._of("max_count_per_step"):
            if self.counts.get(rule.tool_name, 0) >= rule.max_count_limit and rule.tool_name in allowed:
                allowed.discard(rule.tool_name)
                reasons.append(
                    f"{rule.tool_name} may be used at most {rule.max_count_limit} time(s) per turn"
                )
        return allowed, reasons

    def violation(self, name: str, names: set[str]) -> str | None:
        allowed, reasons = self.allowed(names)
        if name in allowed or name not in names:
            return None
        return (
            f"[ToolConstraintError] Cannot call {name}; valid tools now: {', '.join(sorted(allowed)) or 'none'}. "
            f"Rules: {'; '.join(reasons)}"
        )

    def record(self, name: str, output: str) -> None:
        """Registers a call that ran, with the text it returned."""
        self.called.append(name)
        self.counts[name] = self.counts.get(name, 0) + 1
        self._next_allowed, self._next_reason = None, ""
        for rule in self._of("constrain_child_tools"):
            if rule.tool_name == name:
                self._next_allowed = set(rule.children)
                self._next_reason = f"after {name} you must use one of: {', '.join(rule.children)}"
        for rule in self._of("conditional"):
            if rule.tool_name == name:
                child = _match_output(rule, output)
                if child:
                    self._next_allowed = {child}
                    self._next_reason = f"{name} returned {output!r}, which leads to {child}"

    def conditional_error(self, name: str, output: str) -> str | None:
        for rule in self._of("conditional"):
            if rule.tool_name == name and rule.require_output_mapping and _match_output(rule, output) is None:
                return (
                    f"{name} returned {output!r}, which no rule maps to a next tool "
                    f"(expected one of: {', '.join(rule.child_output_mapping)})"
                )
        return None

    def ends_turn(self, name: str) -> bool:
        return any(r.tool_name == name for r in self._of("exit_loop"))

    def forces_continue(self, name: str) -> bool:
        return any(r.tool_name == name for r in self._of("continue_loop")) or self._next_allowed is not None

    def missing_before_exit(self) -> list[str]:
        return [r.tool_name for r in self._of("required_before_exit") if r.tool_name not in self.called]

    def prompt(self) -> str:
        lines = [f"<tool_rule>{_describe(r)}</tool_rule>" for r in self.rules]
        return _RULES_HEADER + "\n".join(lines) + "\n</tool_usage_rules>" if lines else ""


def _match_output(rule: ToolRuleSpec, output: str) -> str | None:
    candidates = [output.strip()]
    try:
        decoded = json.loads(output)
        candidates.append(json.dumps(decoded) if not isinstance(decoded, str) else decoded)
        if isinstance(decoded, bool):
            candidates.append(str(decoded))
    except ValueError:
        pass
    for key, child in rule.child_output_mapping.items():
        if key in candidates or key.lower() in (c.lower() for c in candidates):
            return child
    return rule.default_child or None


def _describe(rule: ToolRuleSpec) -> str:
    children = ", ".join(rule.children)
    return {
        "run_first": f"{rule.tool_name} must be the first tool you call in a turn",
        "exit_loop": f"{rule.tool_name} ends your response (yields control) when called",
        "continue_loop": f"{rule.tool_name} requires continuing your response when called",
        "constrain_child_tools": f"After using {rule.tool_name}, you must use one of these tools: {children}",
        "parent_last_tool": f"{children} can only be used after {rule.tool_name}",
        "conditional": f"{rule.tool_name} will determine which tool to use next based on its output",
        "max_count_per_step": f"{rule.tool_name}: at most {rule.max_count_limit} use(s) per response",
        "required_before_exit": f"{rule.tool_name} must be called before ending the conversation",
    }.get(rule.type, rule.type)
