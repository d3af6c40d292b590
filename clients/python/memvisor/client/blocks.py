"""client.blocks: standalone (shareable) core-memory blocks."""

from __future__ import annotations

from google.protobuf.field_mask_pb2 import FieldMask

from memvisor.client._transport import Transport
from memvisor.client.types import Block
from memvisor.memory.v1 import block_pb2, memory_service_pb2_grpc
from memvisor.memory.v1 import memory_service_pb2 as mem


class Blocks:
    def __init__(self, t: Transport) -> None:
        self._t = t
        self._stub = memory_service_pb2_grpc.MemoryServiceStub(t.channel)

    def create(
        self, *, label: str, value: str, limit: int = 0, description: str = "", read_only: bool = False
    ) -> Block:
        resp = self._t.unary(
            self._stub.CreateBlock,
            mem.CreateBlockRequest(
                block=block_pb2.Block(
                    label=label, value=value, limit=limit, description=description, read_only=read_only
                )
            ),
        )
        return Block.from_proto(resp.block)

    def retrieve(self, block_id: str) -> Block:
        resp = self._t.unary(
            self._stub.GetBlock, mem.GetBlockRequest(selector=block_pb2.BlockSelector(block_id=block_id))
        )
        return Block.from_proto(resp.block)

    def list(self, label: str = "", limit: int = 1000) -> list[Block]:
        blocks = self._t.pages(
            self._stub.ListBlocks,
            lambda size, token: mem.ListBlocksRequest(label=label, page_size=size, page_token=token),
            "blocks",
            limit,
        )
        return [Block.from_proto(b) for b in blocks]

    def modify(
        self,
        block_id: str,
        *,
        value: str | None = None,
        limit: int | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        label: str | None = None,
        expected_version: int = 0,
    ) -> Block:
        return update_block(
            self._t,
            self._stub,
            block_pb2.BlockSelector(block_id=block_id),
            expected_version,
            value=value,
            limit=limit,
            description=description,
            read_only=read_only,
            label=label,
        )

    def delete(self, block_id: str) -> None:
        self._t.unary(self._stub.DeleteBlock, mem.DeleteBlockRequest(block_id=block_id))


def update_block(
    t: Transport,
    stub: memory_service_pb2_grpc.MemoryServiceStub,
    selector: block_pb2.BlockSelector,
    expected_version: int,
    **fields: object,
) -> Block:
    """UpdateBlock with a mask of exactly the fields given (None means "leave as is")."""
    changed = {k: v for k, v in fields.items() if v is not None}
    resp = t.unary(
        stub.UpdateBlock,
        mem.UpdateBlockRequest(
            selector=selector,
            block=block_pb2.Block(**changed),
            update_mask=FieldMask(paths=list(changed)),
            expected_version=expected_version,
        ),
    )
    return Block.from_proto(resp.block)
