"""The gRPC face of the memory service: convert the request, delegate, convert the answer.

The tenant comes from the request context the interceptor set; domain errors raised below are
mapped to statuses by that interceptor, so nothing here deals with grpc status codes.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
from memvisor.memory.v1 import memory_service_pb2 as pb
from memvisor.memory.v1 import memory_service_pb2_grpc
from memvisor_common.request_context import current_tenant

from memory_service import convert
from memory_service.manager import MemoryManager


class MemoryServicer(memory_service_pb2_grpc.MemoryServiceServicer):
    def __init__(self, manager: Callable[[], MemoryManager]) -> None:
        # A provider, not the manager: the component builds the manager when it starts.
        self._manager = manager

    # ---- blocks ---------------------------------------------------------------------------------

    async def CreateBlock(
        self, request: pb.CreateBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateBlockResponse:
        block = await self._manager().create_block(current_tenant(), convert.new_block(request.block))
        return pb.CreateBlockResponse(block=convert.block_to_proto(block))

    async def GetBlock(
        self, request: pb.GetBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        block = await self._manager().get_block(current_tenant(), ref)
        return pb.GetBlockResponse(block=convert.block_to_proto(block))

    async def ListBlocks(
        self, request: pb.ListBlocksRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListBlocksResponse:
        page = await self._manager().list_blocks(
            current_tenant(),
            agent_id=request.agent_id,
            label=request.label,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListBlocksResponse(
            blocks=[convert.block_to_proto(b) for b in page.items], next_page_token=page.next_page_token
        )

    async def UpdateBlock(
        self, request: pb.UpdateBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        patch = convert.block_patch(request.block, request.update_mask)
        block = await self._manager().update_block(
            current_tenant(), ref, patch, expected_version=request.expected_version
        )
        return pb.UpdateBlockResponse(block=convert.block_to_proto(block))

    async def DeleteBlock(
        self, request: pb.DeleteBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteBlockResponse:
        await self._manager().delete_block(current_tenant(), request.block_id)
        return pb.DeleteBlockResponse()

    async def AppendToBlock(
        self, request: pb.AppendToBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.AppendToBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        block = await self._manager().append_to_block(
            current_tenant(),
            ref,
            request.text,
            expected_version=request.expected_version,
            enforce_read_only=request.enforce_read_only,
        )
        return pb.AppendToBlockResponse(block=convert.block_to_proto(block))

    async def ReplaceInBlock(
        self, request: pb.ReplaceInBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReplaceInBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        block = await self._manager().replace_in_block(
            current_tenant(),
            ref,
            request.old_text,
            request.new_text,
            replace_all=request.replace_all,
            expected_version=request.expected_version,
            enforce_read_only=request.enforce_read_only,
        )
        return pb.ReplaceInBlockResponse(block=convert.block_to_proto(block))

    async def InsertIntoBlock(
        self, request: pb.InsertIntoBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.InsertIntoBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        block = await self._manager().insert_into_block(
            current_tenant(),
            ref,
            request.text,
            line=request.line,
            expected_version=request.expected_version,
            enforce_read_only=request.enforce_read_only,
        )
        return pb.InsertIntoBlockResponse(block=convert.block_to_proto(block))

    async def RethinkBlock(
        self, request: pb.RethinkBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.RethinkBlockResponse:
        ref = convert.block_ref(request.selector, request.HasField("selector"))
        block = await self._manager().rethink_block(
            current_tenant(),
            ref,
            request.value,
            expected_version=request.expected_version,
            enforce_read_only=request.enforce_read_only,
        )
        return pb.RethinkBlockResponse(block=convert.block_to_proto(block))

    async def AttachBlock(
        self, request: pb.AttachBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.AttachBlockResponse:
        block = await self._manager().attach_block(current_tenant(), request.agent_id, request.block_id)
        return pb.AttachBlockResponse(block=convert.block_to_proto(block))

    async def DetachBlock(
        self, request: pb.DetachBlockRequest, context: grpc.aio.ServicerContext
    ) -> pb.DetachBlockResponse:
        await self._manager().detach_block(current_tenant(), request.agent_id, request.block_id)
        return pb.DetachBlockResponse()

    # ---- agent memory ---------------------------------------------------------------------------

    async def CreateAgentMemory(
        self, request: pb.CreateAgentMemoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateAgentMemoryResponse:
        blocks = await self._manager().create_agent_memory(
            current_tenant(),
            request.agent_id,
            [convert.new_block(b) for b in request.blocks],
            list(request.block_ids),
        )
        return pb.CreateAgentMemoryResponse(blocks=[convert.block_to_proto(b) for b in blocks])

    async def GetAgentMemory(
        self, request: pb.GetAgentMemoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAgentMemoryResponse:
        memory = await self._manager().get_agent_memory_as(
            current_tenant(), request.agent_id, convert.record_to_proto
        )
        return pb.GetAgentMemoryResponse(
            blocks=[convert.block_to_proto(b) for b in memory.blocks],
            in_context_messages=memory.in_context_messages,
            summary=memory.summary,
            recall_message_count=memory.recall_message_count,
            context_version=memory.context_version,
        )

    async def DeleteAgentMemory(
        self, request: pb.DeleteAgentMemoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteAgentMemoryResponse:
        await self._manager().delete_agent_memory(current_tenant(), request.agent_id)
        return pb.DeleteAgentMemoryResponse()

    # ---- recall memory --------------------------------------------------------------------------

    async def AppendMessages(
        self, request: pb.AppendMessagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.AppendMessagesResponse:
        messages = [convert.new_message(m, f"messages[{i}]") for i, m in enumerate(request.messages)]
        stored = await self._manager().append_messages(
            current_tenant(), request.agent_id, messages, add_to_context=request.add_to_context
        )
        return pb.AppendMessagesResponse(messages=[convert.message_to_proto(m) for m in stored])

    async def ListMessages(
        self, request: pb.ListMessagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListMessagesResponse:
        flt = convert.message_filter(
            request.roles,
            request.start_time,
            request.HasField("start_time"),
            request.end_time,
            request.HasField("end_time"),
        )
        page = await self._manager().list_messages(
            current_tenant(),
            request.agent_id,
            flt,
            descending=request.descending,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListMessagesResponse(
            messages=[convert.message_to_proto(m) for m in page.items], next_page_token=page.next_page_token
        )

    async def SearchMessages(
        self, request: pb.SearchMessagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.SearchMessagesResponse:
        flt = convert.message_filter(
            request.roles,
            request.start_time,
            request.HasField("start_time"),
            request.end_time,
            request.HasField("end_time"),
        )
        hits = await self._manager().search_messages(
            current_tenant(), request.agent_id, request.query, flt, limit=request.limit
        )
        return pb.SearchMessagesResponse(
            results=[
                pb.MessageSearchResult(message=convert.message_to_proto(h.message), score=h.score)
                for h in hits
            ]
        )

    async def SetContextWindow(
        self, request: pb.SetContextWindowRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetContextWindowResponse:
        version = await self._manager().set_context_window(
            current_tenant(),
            request.agent_id,
            list(request.message_ids),
            summary=request.summary,
            expected_context_version=request.expected_context_version,
        )
        return pb.SetContextWindowResponse(context_version=version)
