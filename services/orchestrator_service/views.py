"""Stored recall messages -> the message views clients see (message_type = the payload's name).

An assistant message yields a reasoning_message (its inner thoughts) and one view per tool call;
a send_message call is shown as an assistant_message and its bookkeeping result is hidden.
Heartbeats and runtime alerts are internal and not shown.
"""

from __future__ import annotations

import functools
import json

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.memory.v1 import message_pb2
from orchestrator_service.tools.base_schemas import SEND_MESSAGE
from orchestrator_service.tools.executor import ToolOutcome

Role = message_pb2.MessageRole


def _sent_text(call: message_pb2.ToolCall) -> str | None:
    try:
        args = json.loads(call.arguments)
    except ValueError:
        return None
    message = args.get("message") if isinstance(args, dict) else None
    return message if isinstance(message, str) else None


def _tool_return(m: message_pb2.Message, output: ToolOutcome | None) -> am.ToolReturnMessage:
    status, text = am.TOOL_RETURN_STATUS_SUCCESS, m.content
    try:
        packaged = json.loads(m.content)
        if isinstance(packaged, dict) and "status" in packaged:
            ok = packaged["status"] == "OK"
            status = am.TOOL_RETURN_STATUS_SUCCESS if ok else am.TOOL_RETURN_STATUS_ERROR
            text = str(packaged.get("message", ""))
    except ValueError:
        pass
    return am.ToolReturnMessage(
        tool_call_id=m.tool_call_id,
        name=m.tool_name,
        status=status,
        tool_return=text,
        stdout=output.stdout if output else "",
        stderr=output.stderr if output else "",
    )


def message_views(
    messages: list[message_pb2.Message],
    outputs: dict[str, ToolOutcome] | None = None,
) -> list[am.AgentMessage]:
    outputs = outputs or {}
    views: list[am.AgentMessage] = []
    for m in messages:
        view = functools.partial(am.AgentMessage, id=m.id, step_id=m.step_id, create_time=m.create_time)
        if m.kind in (message_pb2.MESSAGE_KIND_HEARTBEAT, message_pb2.MESSAGE_KIND_SYSTEM_ALERT):
            continue
        if m.role == Role.MESSAGE_ROLE_USER:
            views.append(view(user_message=am.UserMessage(content=m.content)))
        elif m.role == Role.MESSAGE_ROLE_ASSISTANT:
            if m.content.strip():
                views.append(view(reasoning_message=am.ReasoningMessage(reasoning=m.content)))
            for call in m.tool_calls:
                sent = _sent_text(call) if call.name == SEND_MESSAGE else None
                if sent is not None:
                    views.append(view(assistant_message=am.AssistantMessage(content=sent)))
                else:
                    views.append(
                        view(
                            tool_call_message=am.ToolCallMessage(
                                tool_call_id=call.id, name=call.name, arguments=call.arguments
                            )
                        )
                    )
        elif m.role == Role.MESSAGE_ROLE_TOOL:
            result = _tool_return(m, outputs.get(m.tool_call_id))
            if m.tool_name == SEND_MESSAGE and result.status == am.TOOL_RETURN_STATUS_SUCCESS:
                continue  # bookkeeping only; the assistant_message already shows what was sent
            views.append(view(tool_return_message=result))
    return views
