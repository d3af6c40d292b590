"""One turn of an agent: steps of compile -> LLM -> tools -> persist, while the agent asks to continue.

Each step is stored with one atomic AppendMessages call (the assistant message, every tool result,
and the heartbeat that lets the next step run), so a crash or a client going away between steps
never leaves a tool call without its result. Events are emitted after their step is stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from memvisor.archival.v1 import archival_service_pb2 as arch
from memvisor.memory.v1 import memory_service_pb2 as mem
from memvisor.memory.v1 import message_pb2
from memvisor_common.errors import MemvisorError
from memvisor_common.grpc_host.peer import Peer
from memvisor_common.ids import new_id
from memvisor_common.request_context import current_tenant
from memvisor_common.timeutil import utcnow
from orchestrator_service.domain import AgentConfig, StopReason, Usage
from orchestrator_service.llm.client import LLMCallFailed, LLMClient, LLMToolCall
from orchestrator_service.llm.handles import parse_model_handle
from orchestrator_service.loop.catalog import AgentTools, ToolCatalog
from orchestrator_service.loop.rules import ToolRulesSolver
from orchestrator_service.models import StepRow
from orchestrator_service.prompts.compiler import (
    ArchivalStats,
    compile_system_message,
    package_heartbeat,
    package_system_alert,
    package_tool_return,
    render_memory,
    to_chat_messages,
)
from orchestrator_service.settings import OrchestratorSettings
from orchestrator_service.store import AgentStore
from orchestrator_service.tools.arguments import (
    ArgumentError,
    parse_arguments,
    pop_heartbeat,
    recover_tool_call_from_text,
    validate_arguments,
)
from orchestrator_service.tools.executor import ToolExecutor, ToolOutcome

log = logging.getLogger(__name__)

Role = message_pb2.MessageRole
Kind = message_pb2.MessageKind


@dataclass(slots=True)
class TurnControl:
    """Set by the transport when the client goes away: the turn stops after the current step."""

    cancel_requested: bool = False


@dataclass(frozen=True, slots=True)
class StepEvent:
    """Messages stored by one step, with sandbox output keyed by tool_call_id."""

    messages: list[message_pb2.Message]
    outputs: dict[str, ToolOutcome] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TurnEnd:
    usage: Usage
    stop_reason: StopReason


Emit = Callable[[StepEvent | TurnEnd], Awaitable[None]]

_NO_TOOL_ALERT = (
    "You did not call a tool. Every step must call a tool: use send_message to talk to the user, "
    "or another tool to act."
)


class TurnRunner:
    def __init__(
        self,
        *,
        store: AgentStore,
        memory: Peer,
        archival: Peer | None,
        catalog: ToolCatalog,
        executor: ToolExecutor,
        llm: LLMClient,
        settings: OrchestratorSettings,
    ) -> None:
        self.store = store
        self.memory = memory
        self.archival = archival
        self.catalog = catalog
        self.executor = executor
        self.llm = llm
        self.settings = settings

    async def compile_context(self, agent: AgentConfig) -> tuple[str, list[message_pb2.Message]]:
        """The system message and the in-context messages the next step would send."""
        state = await self.memory.call("GetAgentMemory", mem.GetAgentMemoryRequest(agent_id=agent.id))
        stats = await self._archival_stats(agent.id)
        memory_text = render_memory(
            agent.id,
            list(state.blocks),
            state.summary,
            state.recall_message_count,
            len(state.in_context_messages),
            stats,
            rules_text=ToolRulesSolver(agent.tool_rules).prompt(),
        )
        return compile_system_message(agent.system, memory_text), list(state.in_context_messages)

    async def _archival_stats(self, agent_id: str) -> ArchivalStats | None:
        if self.archival is None:
            return None
        resp = await self.archival.call("GetArchivalStats", arch.GetArchivalStatsRequest(agent_id=agent_id))
        return ArchivalStats(resp.passage_count, resp.source_passage_count, tuple(resp.tags))

    async def run(
        self,
        agent: AgentConfig,
        inputs: list[message_pb2.Message],
        max_steps: int,
        emit: Emit,
        control: TurnControl,
    ) -> None:
        usage = Usage()
        stop = StopReason.ERROR
        steps: list[StepRow] = []
        try:
            stop, usage = await self._run_steps(agent, inputs, max_steps, emit, control, steps)
        except MemvisorError as exc:  # a peer failed mid-turn: stored memory is consistent per step
            log.warning(
                "turn aborted", extra={"agent_id": agent.id, "reason": exc.reason, "error": exc.message}
            )
            stop = StopReason.ERROR
        except Exception:
            log.exception("turn crashed", extra={"agent_id": agent.id})
            stop = StopReason.ERROR
        finally:
            await emit(TurnEnd(usage, stop))
            try:  # after the client has its answer: usage accounting is not on the turn's path
                await self.store.record_steps(steps)
            except MemvisorError:  # ... and must not turn a finished turn into an error
                log.exception("could not record the turn's steps", extra={"agent_id": agent.id})

    async def _run_steps(
        self,
        agent: AgentConfig,
        inputs: list[message_pb2.Message],
        max_steps: int,
        emit: Emit,
        control: TurnControl,
        steps: list[StepRow],
    ) -> tuple[StopReason, Usage]:
        handle = parse_model_handle(agent.model)
        tools = await self.catalog.for_agent(agent.tool_names)
        await self.memory.call(
            "AppendMessages",
            mem.AppendMessagesRequest(agent_id=agent.id, messages=inputs, add_to_context=True),
        )
        usage = Usage()
        invalid_streak = 0
        rules = ToolRulesSolver(agent.tool_rules)
        for step in range(1, max_steps + 1):
            if control.cancel_requested:
                return StopReason.CANCELLED, usage
            allowed, _reasons = rules.allowed(tools.names)
            if not allowed:
                return StopReason.TOOL_RULE, usage  # the rules leave no tool to call
            # Only the tools the rules allow now are offered; the loop still refuses any other call.
            offered = [t for t in tools.openai_tools if t["function"]["name"] in allowed]
            system, in_context = await self.compile_context(agent)
            try:
                response = await self.llm.complete(
                    handle, to_chat_messages(system, in_context), offered, self.settings.tool_choice
                )
            except LLMCallFailed as exc:
                log.warning("llm failed", extra={"agent_id": agent.id, "error": exc.message})
                return StopReason.LLM_API_ERROR, usage
            usage += Usage(response.prompt_tokens, response.completion_tokens, 1)
            step_id = new_id("step")
            steps.append(
                StepRow(
                    id=step_id,
                    tenant_id=current_tenant(),
                    agent_id=agent.id,
                    model=agent.model,
                    prompt_tokens=response.prompt_tokens,
                    completion_tokens=response.completion_tokens,
                    created_at=utcnow(),
                )
            )

            thoughts, calls = response.content, list(response.tool_calls)
            if not calls:
                recovered = recover_tool_call_from_text(thoughts, tools.names)
                if recovered is not None:
                    calls = [LLMToolCall(recovered.id, recovered.name, recovered.arguments)]
                    thoughts = recovered.remaining_text
            last_step = step == max_steps

            if not calls:
                invalid_streak += 1
                give_up = invalid_streak >= self.settings.max_consecutive_invalid_responses or last_step
                batch = [
                    message_pb2.Message(role=Role.MESSAGE_ROLE_ASSISTANT, content=thoughts, step_id=step_id)
                ]
                if not give_up:
                    batch.append(_alert(_NO_TOOL_ALERT, step_id))
                await self._store_step(agent.id, batch, {}, emit)
                if give_up:
                    reason = StopReason.NO_TOOL_CALL if thoughts.strip() else StopReason.INVALID_LLM_RESPONSE
                    return reason, usage
                continue

            assistant, results, outputs, wants_more, any_valid = await self._run_calls(
                agent, tools, rules, thoughts, calls, step_id
            )
            invalid_streak = 0 if any_valid else invalid_streak + 1
            missing = rules.missing_before_exit()
            stop: StopReason | None = None
            if invalid_streak >= self.settings.max_consecutive_invalid_responses:
                stop = StopReason.INVALID_TOOL_CALL
            elif any(rules.ends_turn(c.name) for c in assistant.tool_calls if outputs[c.id].ok):
                stop = StopReason.TOOL_RULE
            elif not wants_more and not missing:
                stop = StopReason.END_TURN
            elif last_step:
                stop = StopReason.MAX_STEPS
            elif control.cancel_requested:
                stop = StopReason.CANCELLED
            batch = [assistant, *results]
            if stop is None:
                failed = any(not o.ok for o in outputs.values())
                if not wants_more and missing:
                    reason = f"You must call {', '.join(missing)} before ending your turn"
                elif failed:
                    reason = "Function call failed, returning control"
                else:
                    reason = "Function called using request_heartbeat=true, returning control"
                batch.append(
                    message_pb2.Message(
                        role=Role.MESSAGE_ROLE_USER,
                        kind=Kind.MESSAGE_KIND_HEARTBEAT,
                        content=package_heartbeat(reason),
                        step_id=step_id,
                    )
                )
            await self._store_step(agent.id, batch, outputs, emit)
            if stop is not None:
                return stop, usage
        return StopReason.MAX_STEPS, usage

    async def _run_calls(
        self,
        agent: AgentConfig,
        tools: AgentTools,
        rules: ToolRulesSolver,
        thoughts: str,
        calls: list[LLMToolCall],
        step_id: str,
    ) -> tuple[message_pb2.Message, list[message_pb2.Message], dict[str, ToolOutcome], bool, bool]:
        """Runs each call in order. A failed call forces another step so the model can recover; a call
        that breaks a tool rule is not executed."""
        stored_calls, results, outputs = [], [], {}
        wants_more, any_valid = False, False
        for call in calls:
            call_id = call.id or f"call_{new_id('x')[2:26]}"
            arguments_text = call.arguments
            outcome: ToolOutcome
            violation = rules.violation(call.name, tools.names)
            if call.name not in tools.parameters:
                available = ", ".join(sorted(tools.names))
                outcome = ToolOutcome(
                    False, f"Error: tool {call.name!r} does not exist. Available tools: {available}"
                )
            elif violation is not None:
                outcome = ToolOutcome(False, violation)
            else:
                try:
                    args = parse_arguments(call.arguments)
                    arguments_text = json.dumps(args, ensure_ascii=False)  # history keeps valid JSON
                    heartbeat = pop_heartbeat(args)
                    args = validate_arguments(tools.parameters[call.name], args)
                except ArgumentError as exc:
                    outcome = ToolOutcome(False, f"Error calling tool {call.name}: {exc}")
                else:
                    any_valid = True
                    outcome = await self.executor.execute(agent, call.name, args)
                    rules.record(call.name, outcome.value)
                    mapping_error = rules.conditional_error(call.name, outcome.value) if outcome.ok else None
                    if mapping_error is not None:
                        outcome = ToolOutcome(False, mapping_error, outcome.stdout, outcome.stderr)
                    wants_more = wants_more or heartbeat or rules.forces_continue(call.name)
            if not outcome.ok:
                wants_more = True
            outputs[call_id] = outcome
            stored_calls.append(message_pb2.ToolCall(id=call_id, name=call.name, arguments=arguments_text))
            results.append(
                message_pb2.Message(
                    role=Role.MESSAGE_ROLE_TOOL,
                    tool_call_id=call_id,
                    tool_name=call.name,
                    content=package_tool_return(outcome.ok, outcome.value),
                    step_id=step_id,
                )
            )
        assistant = message_pb2.Message(
            role=Role.MESSAGE_ROLE_ASSISTANT, content=thoughts, tool_calls=stored_calls, step_id=step_id
        )
        return assistant, results, outputs, wants_more, any_valid

    async def _store_step(
        self, agent_id: str, batch: list[message_pb2.Message], outputs: dict[str, ToolOutcome], emit: Emit
    ) -> None:
        stored = await self.memory.call(
            "AppendMessages",
            mem.AppendMessagesRequest(agent_id=agent_id, messages=batch, add_to_context=True),
        )
        await emit(StepEvent(list(stored.messages), outputs))


def _alert(text: str, step_id: str) -> message_pb2.Message:
    return message_pb2.Message(
        role=Role.MESSAGE_ROLE_USER,
        kind=Kind.MESSAGE_KIND_SYSTEM_ALERT,
        content=package_system_alert(text),
        step_id=step_id,
    )
