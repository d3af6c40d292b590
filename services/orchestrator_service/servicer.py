"""AgentService over gRPC: validate, convert, delegate. Turns run as tasks that outlive a departed
client long enough to finish (and store) the step in progress."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import grpc

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.agents.v1 import agent_service_pb2_grpc
from memvisor.memory.v1 import memory_service_pb2 as mem
from memvisor.memory.v1 import message_pb2
from memvisor_common.errors import InvalidArgument
from memvisor_common.request_context import current_tenant
from memvisor_common.validation import require_id
from orchestrator_service import convert
from orchestrator_service.domain import StopReason
from orchestrator_service.loop.turn import StepEvent, TurnControl, TurnEnd
from orchestrator_service.manager import AgentManager
from orchestrator_service.views import message_views

log = logging.getLogger(__name__)

_STOP = {r: am.StopReason.Value("STOP_REASON_" + r.name) for r in StopReason}
_ROLES = {"user": message_pb2.MESSAGE_ROLE_USER, "assistant": message_pb2.MESSAGE_ROLE_ASSISTANT}


def _usage(u) -> am.UsageStatistics:  # noqa: ANN001
    return am.UsageStatistics(
        prompt_tokens=u.prompt_tokens,
        completion_tokens=u.completion_tokens,
        total_tokens=u.prompt_tokens + u.completion_tokens,
        step_count=u.step_count,
    )


class AgentServicer(agent_service_pb2_grpc.AgentServiceServicer):
    def __init__(self, manager: AgentManager) -> None:
        self.manager = manager
        self.settings = manager.settings
        self._turns: dict[asyncio.Task[None], TurnControl] = {}

    async def CreateAgent(
        self, request: svc.CreateAgentRequest, context: grpc.aio.ServicerContext
    ) -> svc.CreateAgentResponse:
        spec = convert.new_agent_from_request(request, self.settings)
        agent, blocks = await self.manager.create(
            current_tenant(), spec, list(request.memory_blocks), list(request.block_ids)
        )
        return svc.CreateAgentResponse(agent=convert.agent_to_proto(agent, blocks))

    async def GetAgent(
        self, request: svc.GetAgentRequest, context: grpc.aio.ServicerContext
    ) -> svc.GetAgentResponse:
        require_id("agent_id", request.agent_id, "agent")
        agent, blocks = await self.manager.get(current_tenant(), request.agent_id)
        return svc.GetAgentResponse(agent=convert.agent_to_proto(agent, blocks))

    async def ListAgents(
        self, request: svc.ListAgentsRequest, context: grpc.aio.ServicerContext
    ) -> svc.ListAgentsResponse:
        agents, token = await self.manager.list(
            current_tenant(),
            name=request.name,
            tags=list(request.tags),
            match_all_tags=request.match_all_tags,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return svc.ListAgentsResponse(
            agents=[convert.agent_to_proto(a) for a in agents], next_page_token=token
        )

    async def UpdateAgent(
        self, request: svc.UpdateAgentRequest, context: grpc.aio.ServicerContext
    ) -> svc.UpdateAgentResponse:
        require_id("agent.id", request.agent.id, "agent")
        changes = convert.agent_changes(request, self.settings)
        agent = await self.manager.update(current_tenant(), request.agent.id, changes)
        return svc.UpdateAgentResponse(
            agent=convert.agent_to_proto(agent, await self.manager.blocks(agent.id))
        )

    async def DeleteAgent(
        self, request: svc.DeleteAgentRequest, context: grpc.aio.ServicerContext
    ) -> svc.DeleteAgentResponse:
        require_id("agent_id", request.agent_id, "agent")
        await self.manager.delete(current_tenant(), request.agent_id)
        return svc.DeleteAgentResponse()

    async def _start_turn(
        self, request: svc.SendMessageRequest | svc.StreamMessageRequest
    ) -> tuple[asyncio.Queue[StepEvent | TurnEnd], TurnControl]:
        require_id("agent_id", request.agent_id, "agent")
        agent, inputs, steps = await self.manager.prepare_turn(
            current_tenant(),
            request.agent_id,
            convert.inputs_from_proto(list(request.messages)),
            request.max_steps,
        )
        queue: asyncio.Queue[StepEvent | TurnEnd] = asyncio.Queue()
        control = TurnControl()
        task = asyncio.create_task(self.manager.run_turn(agent, inputs, steps, queue.put, control))
        self._turns[task] = control
        task.add_done_callback(lambda t: self._turns.pop(t, None))
        return queue, control

    async def SendMessage(
        self, request: svc.SendMessageRequest, context: grpc.aio.ServicerContext
    ) -> svc.SendMessageResponse:
        queue, control = await self._start_turn(request)
        response = svc.SendMessageResponse()
        try:
            while True:
                event = await queue.get()
                if isinstance(event, TurnEnd):
                    response.usage.CopyFrom(_usage(event.usage))
                    response.stop_reason = _STOP[event.stop_reason]
                    return response
                response.messages.extend(message_views(event.messages, event.outputs))
        finally:
            control.cancel_requested = True  # no-op after the end; stops after this step otherwise

    async def StreamMessage(
        self, request: svc.StreamMessageRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[svc.StreamMessageResponse]:
        queue, control = await self._start_turn(request)
        seq = 0
        try:
            while True:
                event = await queue.get()
                if isinstance(event, TurnEnd):
                    seq += 1
                    yield svc.StreamMessageResponse(seq_id=seq, usage=_usage(event.usage))
                    seq += 1
                    yield svc.StreamMessageResponse(seq_id=seq, stop_reason=_STOP[event.stop_reason])
                    return
                for view in message_views(event.messages, event.outputs):
                    seq += 1
                    yield svc.StreamMessageResponse(seq_id=seq, message=view)
        finally:
            control.cancel_requested = True

    async def GetContextWindow(
        self, request: svc.GetContextWindowRequest, context: grpc.aio.ServicerContext
    ) -> svc.GetContextWindowResponse:
        require_id("agent_id", request.agent_id, "agent")
        return await self.manager.context_report(current_tenant(), request.agent_id)

    async def ListMessages(
        self, request: svc.ListMessagesRequest, context: grpc.aio.ServicerContext
    ) -> svc.ListMessagesResponse:
        require_id("agent_id", request.agent_id, "agent")
        await self.manager.store.get(current_tenant(), request.agent_id)
        resp = await self.manager.memory.call(
            "ListMessages",
            mem.ListMessagesRequest(
                agent_id=request.agent_id,
                descending=request.descending,
                page_size=request.page_size,
                page_token=request.page_token,
            ),
        )
        return svc.ListMessagesResponse(
            messages=message_views(list(resp.messages)), next_page_token=resp.next_page_token
        )

    async def SearchMessages(
        self, request: svc.SearchMessagesRequest, context: grpc.aio.ServicerContext
    ) -> svc.SearchMessagesResponse:
        require_id("agent_id", request.agent_id, "agent")
        for i, role in enumerate(request.roles):
            if role not in _ROLES:
                raise InvalidArgument(f"roles[{i}]", "must be 'user' or 'assistant'")
        await self.manager.store.get(current_tenant(), request.agent_id)
        search = mem.SearchMessagesRequest(
            agent_id=request.agent_id,
            query=request.query,
            roles=[_ROLES[r] for r in request.roles],
            limit=request.limit,
        )
        if request.HasField("start_time"):
            search.start_time.CopyFrom(request.start_time)
        if request.HasField("end_time"):
            search.end_time.CopyFrom(request.end_time)
        resp = await self.manager.memory.call("SearchMessages", search)
        return svc.SearchMessagesResponse(
            results=[
                svc.MessageSearchResult(
                    messages=message_views([r.message]),
                    score=r.score,
                    role="user" if r.message.role == message_pb2.MESSAGE_ROLE_USER else "assistant",
                )
                for r in resp.results
            ]
        )

    async def ImportMessages(
        self, request: svc.ImportMessagesRequest, context: grpc.aio.ServicerContext
    ) -> svc.ImportMessagesResponse:
        require_id("agent_id", request.agent_id, "agent")
        count = await self.manager.import_messages(
            current_tenant(),
            request.agent_id,
            convert.imported_from_proto(list(request.messages)),
            request.add_to_context,
        )
        return svc.ImportMessagesResponse(imported_count=count)

    async def drain(self, timeout: float) -> None:
        """Waits for running turns to finish their current step (called on shutdown)."""
        for control in self._turns.values():
            control.cancel_requested = True
        if self._turns:
            await asyncio.wait(list(self._turns), timeout=timeout)
