"""The MemoryService over a real gRPC server: status codes, ErrorInfo reasons, wire conversions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from memory_service.component import MemoryComponent
from memvisor.memory.v1 import block_pb2, message_pb2
from memvisor.memory.v1 import memory_service_pb2 as pb
from memvisor.memory.v1.memory_service_pb2_grpc import MemoryServiceStub
from memvisor_common.grpc_host.server import GrpcHost
from memvisor_common.request_context import TENANT_METADATA_KEY
from memvisor_common.settings import ServerSettings

from .conftest import small_settings
from .helpers import agent_id, raises_rpc

C = grpc.StatusCode
USER, ASSISTANT, TOOL = (
    message_pb2.MESSAGE_ROLE_USER,
    message_pb2.MESSAGE_ROLE_ASSISTANT,
    message_pb2.MESSAGE_ROLE_TOOL,
)
UNKNOWN_BLOCK = "block-00000000-0000-4000-8000-000000000000"
UNKNOWN_MESSAGE = "message-00000000-0000-4000-8000-000000000000"


@pytest.fixture
async def stub(grpc_stub: Callable[..., Any], sqlite_url: str) -> MemoryServiceStub:
    return await grpc_stub(sqlite_url)


async def make_agent(stub: MemoryServiceStub, *labels: str) -> tuple[str, list[block_pb2.Block]]:
    agent = agent_id()
    resp = await stub.CreateAgentMemory(
        pb.CreateAgentMemoryRequest(
            agent_id=agent, blocks=[block_pb2.Block(label=label, value=f"{label} value") for label in labels]
        )
    )
    return agent, list(resp.blocks)


def sel(agent: str = "", label: str = "", block_id: str = "") -> block_pb2.BlockSelector:
    return block_pb2.BlockSelector(agent_id=agent, label=label, block_id=block_id)


def tool_pair(call_id: str = "call_1", text: str = "hello there") -> list[message_pb2.Message]:
    return [
        message_pb2.Message(
            role=ASSISTANT,
            content="I should greet",
            tool_calls=[
                message_pb2.ToolCall(id=call_id, name="send_message", arguments=f'{{"message": "{text}"}}')
            ],
        ),
        message_pb2.Message(
            role=TOOL, content='{"status":"OK"}', tool_call_id=call_id, tool_name="send_message"
        ),
    ]


async def test_walkthrough_on_both_databases(grpc_stub: Callable[..., Any], db_url: str) -> None:
    stub = await grpc_stub(db_url)
    agent, blocks = await make_agent(stub, "persona", "human")
    assert [b.label for b in blocks] == ["persona", "human"]
    assert blocks[0].limit == 200 and blocks[0].version == 1 and list(blocks[0].agent_ids) == [agent]
    assert blocks[0].create_time.seconds > 0

    edited = (
        await stub.ReplaceInBlock(
            pb.ReplaceInBlockRequest(
                selector=sel(agent, "human"),
                old_text="human value",
                new_text="Name: Sid",
                enforce_read_only=True,
            )
        )
    ).block
    assert (edited.value, edited.version) == ("Name: Sid", 2)

    stored = (
        await stub.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent,
                add_to_context=True,
                messages=[message_pb2.Message(role=USER, content="my name actually is Sid"), *tool_pair()],
            )
        )
    ).messages
    assert [m.sequence for m in stored] == [1, 2, 3]
    assert stored[0].kind == message_pb2.MESSAGE_KIND_CHAT and stored[0].create_time.seconds > 0

    memory = await stub.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=agent))
    assert [b.value for b in memory.blocks] == ["persona value", "Name: Sid"]
    assert [m.id for m in memory.in_context_messages] == [m.id for m in stored]
    assert (memory.recall_message_count, memory.context_version) == (3, 1)

    hits = (await stub.SearchMessages(pb.SearchMessagesRequest(agent_id=agent, query="Sid"))).results
    assert [h.message.id for h in hits] == [stored[0].id] and hits[0].score > 0
    hits = (await stub.SearchMessages(pb.SearchMessagesRequest(agent_id=agent, query="hello"))).results
    assert [h.message.id for h in hits] == [stored[1].id]

    version = (
        await stub.SetContextWindow(
            pb.SetContextWindowRequest(
                agent_id=agent, message_ids=[stored[0].id], summary="greeted", expected_context_version=1
            )
        )
    ).context_version
    assert version == 2
    await stub.DeleteAgentMemory(pb.DeleteAgentMemoryRequest(agent_id=agent))
    await raises_rpc(
        stub.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=agent)), C.NOT_FOUND, "AGENT_NOT_FOUND"
    )


async def test_block_crud_and_verbs(stub: MemoryServiceStub) -> None:
    created = (
        await stub.CreateBlock(
            pb.CreateBlockRequest(
                block=block_pb2.Block(
                    label="notes", value="a", limit=50, description="scratch", read_only=True
                )
            )
        )
    ).block
    assert (created.limit, created.read_only, created.description, list(created.agent_ids)) == (
        50,
        True,
        "scratch",
        [],
    )
    by_id = sel(block_id=created.id)
    assert (await stub.GetBlock(pb.GetBlockRequest(selector=by_id))).block == created

    b = (await stub.AppendToBlock(pb.AppendToBlockRequest(selector=by_id, text="b"))).block
    assert b.value == "a\nb"
    b = (await stub.InsertIntoBlock(pb.InsertIntoBlockRequest(selector=by_id, text="top", line=0))).block
    assert b.value == "top\na\nb"
    b = (await stub.InsertIntoBlock(pb.InsertIntoBlockRequest(selector=by_id, text="end", line=-1))).block
    assert b.value == "top\na\nb\nend"
    b = (
        await stub.RethinkBlock(pb.RethinkBlockRequest(selector=by_id, value="fresh", expected_version=4))
    ).block
    assert (b.value, b.version) == ("fresh", 5)

    listed = await stub.ListBlocks(pb.ListBlocksRequest(label="notes"))
    assert [x.id for x in listed.blocks] == [created.id] and listed.next_page_token == ""
    await stub.DeleteBlock(pb.DeleteBlockRequest(block_id=created.id))
    await raises_rpc(stub.GetBlock(pb.GetBlockRequest(selector=by_id)), C.NOT_FOUND, "BLOCK_NOT_FOUND")


async def test_update_block_field_mask(stub: MemoryServiceStub) -> None:
    created = (
        await stub.CreateBlock(
            pb.CreateBlockRequest(
                block=block_pb2.Block(label="notes", value="v", description="d", read_only=True)
            )
        )
    ).block
    by_id = sel(block_id=created.id)
    # Empty mask: populated fields only (description and read_only stay).
    b = (
        await stub.UpdateBlock(pb.UpdateBlockRequest(selector=by_id, block=block_pb2.Block(value="v2")))
    ).block
    assert (b.value, b.description, b.read_only) == ("v2", "d", True)
    # An explicit mask can clear fields and set false.
    b = (
        await stub.UpdateBlock(
            pb.UpdateBlockRequest(
                selector=by_id,
                block=block_pb2.Block(value="ignored"),
                update_mask=FieldMask(paths=["description", "read_only"]),
            )
        )
    ).block
    assert (b.value, b.description, b.read_only, b.version) == ("v2", "", False, 3)
    # limit 0 through the mask means the default.
    b = (
        await stub.UpdateBlock(pb.UpdateBlockRequest(selector=by_id, update_mask=FieldMask(paths=["limit"])))
    ).block
    assert b.limit == 200

    d = await raises_rpc(
        stub.UpdateBlock(
            pb.UpdateBlockRequest(
                selector=by_id,
                block=block_pb2.Block(value="x"),
                update_mask=FieldMask(paths=["value", "version"]),
            )
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    assert d.field_violations[0][0] == "update_mask.paths[1]"
    await raises_rpc(
        stub.UpdateBlock(pb.UpdateBlockRequest(selector=by_id)), C.INVALID_ARGUMENT, "INVALID_FIELD"
    )
    await raises_rpc(
        stub.UpdateBlock(
            pb.UpdateBlockRequest(selector=by_id, block=block_pb2.Block(value="x"), expected_version=1)
        ),
        C.ABORTED,
        "VERSION_CONFLICT",
    )
    await raises_rpc(
        stub.UpdateBlock(pb.UpdateBlockRequest(selector=by_id, block=block_pb2.Block(value="x" * 201))),
        C.FAILED_PRECONDITION,
        "BLOCK_LIMIT_EXCEEDED",
    )
    after = (await stub.GetBlock(pb.GetBlockRequest(selector=by_id))).block
    assert (after.value, after.version) == ("v2", 4)


async def test_refusals_have_codes_and_reasons(stub: MemoryServiceStub) -> None:
    agent, [human] = await make_agent(stub, "human")
    ref = sel(agent, "human")
    d = await raises_rpc(
        stub.AppendToBlock(pb.AppendToBlockRequest(selector=ref, text="x" * 200)),
        C.FAILED_PRECONDITION,
        "BLOCK_LIMIT_EXCEEDED",
    )
    assert d.metadata["limit"] == "200" and "limit is 200" in d.message
    await raises_rpc(
        stub.ReplaceInBlock(pb.ReplaceInBlockRequest(selector=ref, old_text="zzz", new_text="y")),
        C.FAILED_PRECONDITION,
        "TEXT_NOT_FOUND",
    )
    await raises_rpc(
        stub.InsertIntoBlock(pb.InsertIntoBlockRequest(selector=ref, text="x", line=9)),
        C.INVALID_ARGUMENT,
        "LINE_OUT_OF_RANGE",
    )
    await raises_rpc(
        stub.RethinkBlock(pb.RethinkBlockRequest(selector=ref, value="x", expected_version=5)),
        C.ABORTED,
        "VERSION_CONFLICT",
    )
    await stub.UpdateBlock(pb.UpdateBlockRequest(selector=ref, block=block_pb2.Block(read_only=True)))
    await raises_rpc(
        stub.AppendToBlock(pb.AppendToBlockRequest(selector=ref, text="x", enforce_read_only=True)),
        C.FAILED_PRECONDITION,
        "BLOCK_READ_ONLY",
    )
    other = (await stub.CreateBlock(pb.CreateBlockRequest(block=block_pb2.Block(label="human")))).block
    await raises_rpc(
        stub.AttachBlock(pb.AttachBlockRequest(agent_id=agent, block_id=other.id)),
        C.ALREADY_EXISTS,
        "BLOCK_LABEL_ALREADY_EXISTS",
    )
    await raises_rpc(
        stub.AttachBlock(pb.AttachBlockRequest(agent_id=agent, block_id=human.id)),
        C.ALREADY_EXISTS,
        "BLOCK_ALREADY_ATTACHED",
    )
    await raises_rpc(
        stub.CreateAgentMemory(pb.CreateAgentMemoryRequest(agent_id=agent)),
        C.ALREADY_EXISTS,
        "AGENT_ALREADY_EXISTS",
    )
    after = (await stub.GetBlock(pb.GetBlockRequest(selector=ref))).block
    assert (after.value, after.version) == ("human value", 2)


async def test_attach_detach_and_shared_listing(stub: MemoryServiceStub) -> None:
    a1, _ = await make_agent(stub, "human")
    a2, _ = await make_agent(stub, "human")
    shared = (
        await stub.CreateBlock(pb.CreateBlockRequest(block=block_pb2.Block(label="team", value="v")))
    ).block
    for agent in (a1, a2):
        attached = (await stub.AttachBlock(pb.AttachBlockRequest(agent_id=agent, block_id=shared.id))).block
    assert list(attached.agent_ids) == [a1, a2]
    page = await stub.ListBlocks(pb.ListBlocksRequest(agent_id=a2, page_size=1))
    assert [b.label for b in page.blocks] == ["human"] and page.next_page_token
    page = await stub.ListBlocks(
        pb.ListBlocksRequest(agent_id=a2, page_size=1, page_token=page.next_page_token)
    )
    assert [b.id for b in page.blocks] == [shared.id] and page.next_page_token == ""
    await stub.DetachBlock(pb.DetachBlockRequest(agent_id=a1, block_id=shared.id))
    await raises_rpc(
        stub.DetachBlock(pb.DetachBlockRequest(agent_id=a1, block_id=shared.id)),
        C.NOT_FOUND,
        "ATTACHMENT_NOT_FOUND",
    )
    assert list(
        (await stub.GetBlock(pb.GetBlockRequest(selector=sel(block_id=shared.id)))).block.agent_ids
    ) == [a2]


async def test_messages_over_the_wire(stub: MemoryServiceStub) -> None:
    agent, _ = await make_agent(stub)
    when = Timestamp(seconds=1_600_000_000)
    stored = (
        await stub.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent,
                messages=[
                    message_pb2.Message(role=USER, content="imported", create_time=when, step_id="s1"),
                    message_pb2.Message(role=USER, kind=message_pb2.MESSAGE_KIND_HEARTBEAT, content="beat"),
                    *tool_pair(),
                ],
            )
        )
    ).messages
    assert stored[0].create_time == when and stored[0].step_id == "s1"
    assert stored[1].kind == message_pb2.MESSAGE_KIND_HEARTBEAT
    assert stored[2].tool_calls[0].arguments == '{"message": "hello there"}'
    assert (stored[3].tool_call_id, stored[3].tool_name) == ("call_1", "send_message")

    page = await stub.ListMessages(pb.ListMessagesRequest(agent_id=agent, page_size=3, descending=True))
    assert [m.sequence for m in page.messages] == [4, 3, 2]
    rest = await stub.ListMessages(
        pb.ListMessagesRequest(agent_id=agent, page_size=3, descending=True, page_token=page.next_page_token)
    )
    assert [m.sequence for m in rest.messages] == [1] and rest.next_page_token == ""
    await raises_rpc(
        stub.ListMessages(pb.ListMessagesRequest(agent_id=agent, page_token=page.next_page_token)),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    await raises_rpc(
        stub.ListMessages(pb.ListMessagesRequest(agent_id=agent, page_token="%%%")),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    tools = await stub.ListMessages(pb.ListMessagesRequest(agent_id=agent, roles=[TOOL]))
    assert [m.sequence for m in tools.messages] == [4]
    early = await stub.ListMessages(
        pb.ListMessagesRequest(agent_id=agent, end_time=Timestamp(seconds=1_600_000_001))
    )
    assert [m.content for m in early.messages] == ["imported"]

    hits = await stub.SearchMessages(pb.SearchMessagesRequest(agent_id=agent, query='"AND OR * ('))
    assert list(hits.results) == []
    newest = await stub.SearchMessages(pb.SearchMessagesRequest(agent_id=agent, roles=[USER]))
    assert [h.message.content for h in newest.results] == ["imported"]  # heartbeats are not chat

    d = await raises_rpc(
        stub.AppendMessages(pb.AppendMessagesRequest(agent_id=agent, messages=tool_pair()[:1])),
        C.INVALID_ARGUMENT,
        "TOOL_CALL_UNPAIRED",
    )
    assert d.field_violations[0][0] == "messages[0].tool_calls"
    d = await raises_rpc(
        stub.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent,
                messages=[
                    message_pb2.Message(role=USER, content="ok"),
                    message_pb2.Message(content="no role"),
                ],
            )
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    assert d.field_violations[0][0] == "messages[1].role"
    d = await raises_rpc(
        stub.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent, messages=[message_pb2.Message(role=USER, kind=77, content="bad kind")]
            )
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    assert d.field_violations[0][0] == "messages[0].kind"
    await raises_rpc(
        stub.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent,
                messages=[
                    message_pb2.Message(role=USER, content="x", create_time=Timestamp(seconds=1, nanos=-5))
                ],
            )
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
    )
    assert (await stub.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=agent))).recall_message_count == 4


async def test_set_context_window_over_the_wire(stub: MemoryServiceStub) -> None:
    agent, _ = await make_agent(stub)
    stored = (
        await stub.AppendMessages(pb.AppendMessagesRequest(agent_id=agent, messages=tool_pair()))
    ).messages
    await raises_rpc(
        stub.SetContextWindow(pb.SetContextWindowRequest(agent_id=agent, message_ids=[stored[0].id])),
        C.INVALID_ARGUMENT,
        "TOOL_CALL_UNPAIRED",
    )
    await raises_rpc(
        stub.SetContextWindow(pb.SetContextWindowRequest(agent_id=agent, message_ids=[UNKNOWN_MESSAGE])),
        C.NOT_FOUND,
        "MESSAGE_NOT_FOUND",
    )
    await raises_rpc(
        stub.SetContextWindow(
            pb.SetContextWindowRequest(
                agent_id=agent, message_ids=[m.id for m in stored], expected_context_version=9
            )
        ),
        C.ABORTED,
        "CONTEXT_VERSION_CONFLICT",
    )
    resp = await stub.SetContextWindow(
        pb.SetContextWindowRequest(agent_id=agent, message_ids=[m.id for m in stored])
    )
    assert resp.context_version == 2


async def test_tenants_from_metadata_are_isolated(stub: MemoryServiceStub) -> None:
    mine = (("x-memvisor-tenant", "acme"),)
    assert TENANT_METADATA_KEY == "x-memvisor-tenant"
    created = (
        await stub.CreateBlock(pb.CreateBlockRequest(block=block_pb2.Block(label="secret")), metadata=mine)
    ).block
    await raises_rpc(
        stub.GetBlock(pb.GetBlockRequest(selector=sel(block_id=created.id))), C.NOT_FOUND, "BLOCK_NOT_FOUND"
    )
    got = await stub.GetBlock(pb.GetBlockRequest(selector=sel(block_id=created.id)), metadata=mine)
    assert got.block.label == "secret"
    assert list((await stub.ListBlocks(pb.ListBlocksRequest())).blocks) == []


BAD_ID = "agent-1"
AGENT = "agent-00000000-0000-4000-8000-000000000000"  # well-formed, never created

# (rpc name, request, code, reason, field) for bad input at every RPC; nothing exists in the store.
BAD_INPUT: list[tuple[str, Any, grpc.StatusCode, str, str | None]] = [
    ("CreateBlock", pb.CreateBlockRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "block.label"),
    (
        "CreateBlock",
        pb.CreateBlockRequest(block=block_pb2.Block(label="l", value="x" * 1001, limit=1000)),
        C.INVALID_ARGUMENT,
        "BLOCK_LIMIT_EXCEEDED",
        "block.value",
    ),
    (
        "CreateBlock",
        pb.CreateBlockRequest(block=block_pb2.Block(label="l", limit=10**6)),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "block.limit",
    ),
    ("GetBlock", pb.GetBlockRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "selector"),
    (
        "GetBlock",
        pb.GetBlockRequest(selector=sel(block_id="block-zz")),
        C.INVALID_ARGUMENT,
        "MALFORMED_ID",
        "selector.block_id",
    ),
    (
        "GetBlock",
        pb.GetBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK, agent=AGENT)),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "selector",
    ),
    ("GetBlock", pb.GetBlockRequest(selector=sel(AGENT, "human")), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
    (
        "GetBlock",
        pb.GetBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK)),
        C.NOT_FOUND,
        "BLOCK_NOT_FOUND",
        None,
    ),
    ("ListBlocks", pb.ListBlocksRequest(agent_id=BAD_ID), C.INVALID_ARGUMENT, "MALFORMED_ID", "agent_id"),
    ("ListBlocks", pb.ListBlocksRequest(page_size=-1), C.INVALID_ARGUMENT, "INVALID_FIELD", "page_size"),
    (
        "ListBlocks",
        pb.ListBlocksRequest(page_token="forged"),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "page_token",
    ),
    ("ListBlocks", pb.ListBlocksRequest(agent_id=AGENT), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
    (
        "UpdateBlock",
        pb.UpdateBlockRequest(block=block_pb2.Block(value="x")),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "selector",
    ),
    (
        "UpdateBlock",
        pb.UpdateBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), block=block_pb2.Block(value="x")),
        C.NOT_FOUND,
        "BLOCK_NOT_FOUND",
        None,
    ),
    (
        "UpdateBlock",
        pb.UpdateBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), block=block_pb2.Block(label="a\tb")),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "block.label",
    ),
    (
        "UpdateBlock",
        pb.UpdateBlockRequest(
            selector=sel(block_id=UNKNOWN_BLOCK), block=block_pb2.Block(value="x"), expected_version=-1
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "expected_version",
    ),
    ("DeleteBlock", pb.DeleteBlockRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "block_id"),
    ("DeleteBlock", pb.DeleteBlockRequest(block_id=UNKNOWN_BLOCK), C.NOT_FOUND, "BLOCK_NOT_FOUND", None),
    (
        "AppendToBlock",
        pb.AppendToBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK)),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "text",
    ),
    (
        "AppendToBlock",
        pb.AppendToBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), text="x" * 1001),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "text",
    ),
    (
        "AppendToBlock",
        pb.AppendToBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), text="x"),
        C.NOT_FOUND,
        "BLOCK_NOT_FOUND",
        None,
    ),
    (
        "ReplaceInBlock",
        pb.ReplaceInBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), new_text="x"),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "old_text",
    ),
    (
        "ReplaceInBlock",
        pb.ReplaceInBlockRequest(selector=sel(AGENT, "human"), old_text="a"),
        C.NOT_FOUND,
        "AGENT_NOT_FOUND",
        None,
    ),
    (
        "InsertIntoBlock",
        pb.InsertIntoBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), text="x", line=-3),
        C.INVALID_ARGUMENT,
        "LINE_OUT_OF_RANGE",
        "line",
    ),
    (
        "InsertIntoBlock",
        pb.InsertIntoBlockRequest(selector=sel(agent=AGENT), text="x"),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "selector.label",
    ),
    ("RethinkBlock", pb.RethinkBlockRequest(value="x"), C.INVALID_ARGUMENT, "INVALID_FIELD", "selector"),
    (
        "RethinkBlock",
        pb.RethinkBlockRequest(selector=sel(block_id=UNKNOWN_BLOCK), value="x" * 1001),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "value",
    ),
    ("AttachBlock", pb.AttachBlockRequest(agent_id=AGENT), C.INVALID_ARGUMENT, "INVALID_FIELD", "block_id"),
    (
        "AttachBlock",
        pb.AttachBlockRequest(agent_id=AGENT, block_id=UNKNOWN_BLOCK),
        C.NOT_FOUND,
        "AGENT_NOT_FOUND",
        None,
    ),
    (
        "DetachBlock",
        pb.DetachBlockRequest(agent_id=BAD_ID, block_id=UNKNOWN_BLOCK),
        C.INVALID_ARGUMENT,
        "MALFORMED_ID",
        "agent_id",
    ),
    (
        "DetachBlock",
        pb.DetachBlockRequest(agent_id=AGENT, block_id=UNKNOWN_BLOCK),
        C.NOT_FOUND,
        "AGENT_NOT_FOUND",
        None,
    ),
    ("CreateAgentMemory", pb.CreateAgentMemoryRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "agent_id"),
    (
        "CreateAgentMemory",
        pb.CreateAgentMemoryRequest(agent_id=AGENT, blocks=[block_pb2.Block(label="")]),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "blocks[0].label",
    ),
    (
        "CreateAgentMemory",
        pb.CreateAgentMemoryRequest(agent_id=AGENT, block_ids=[UNKNOWN_BLOCK, UNKNOWN_BLOCK]),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "block_ids[1]",
    ),
    (
        "CreateAgentMemory",
        pb.CreateAgentMemoryRequest(agent_id=AGENT, block_ids=["x"]),
        C.INVALID_ARGUMENT,
        "MALFORMED_ID",
        "block_ids[0]",
    ),
    (
        "CreateAgentMemory",
        pb.CreateAgentMemoryRequest(agent_id=AGENT, block_ids=[UNKNOWN_BLOCK]),
        C.NOT_FOUND,
        "BLOCK_NOT_FOUND",
        None,
    ),
    ("GetAgentMemory", pb.GetAgentMemoryRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "agent_id"),
    (
        "GetAgentMemory",
        pb.GetAgentMemoryRequest(agent_id=UNKNOWN_BLOCK),
        C.INVALID_ARGUMENT,
        "MALFORMED_ID",
        "agent_id",
    ),
    ("GetAgentMemory", pb.GetAgentMemoryRequest(agent_id=AGENT), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
    ("DeleteAgentMemory", pb.DeleteAgentMemoryRequest(agent_id=AGENT), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
    (
        "AppendMessages",
        pb.AppendMessagesRequest(agent_id=AGENT),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "messages",
    ),
    (
        "AppendMessages",
        pb.AppendMessagesRequest(agent_id=AGENT, messages=[message_pb2.Message(role=USER)]),
        C.NOT_FOUND,
        "AGENT_NOT_FOUND",
        None,
    ),
    (
        "AppendMessages",
        pb.AppendMessagesRequest(
            agent_id=AGENT, messages=[message_pb2.Message(role=USER, content="x" * 501)]
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "messages[0].content",
    ),
    ("ListMessages", pb.ListMessagesRequest(), C.INVALID_ARGUMENT, "INVALID_FIELD", "agent_id"),
    (
        "ListMessages",
        pb.ListMessagesRequest(agent_id=AGENT, roles=[message_pb2.MESSAGE_ROLE_UNSPECIFIED]),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "roles[0]",
    ),
    (
        "ListMessages",
        pb.ListMessagesRequest(
            agent_id=AGENT, start_time=Timestamp(seconds=10), end_time=Timestamp(seconds=5)
        ),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "end_time",
    ),
    ("ListMessages", pb.ListMessagesRequest(agent_id=AGENT), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
    (
        "SearchMessages",
        pb.SearchMessagesRequest(agent_id=AGENT),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "query",
    ),
    (
        "SearchMessages",
        pb.SearchMessagesRequest(agent_id=AGENT, query="q", limit=-2),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "limit",
    ),
    (
        "SearchMessages",
        pb.SearchMessagesRequest(agent_id=AGENT, query="q" * 201),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "query",
    ),
    (
        "SearchMessages",
        pb.SearchMessagesRequest(agent_id=AGENT, query="q"),
        C.NOT_FOUND,
        "AGENT_NOT_FOUND",
        None,
    ),
    (
        "SetContextWindow",
        pb.SetContextWindowRequest(agent_id=AGENT, message_ids=["m"]),
        C.INVALID_ARGUMENT,
        "MALFORMED_ID",
        "message_ids[0]",
    ),
    (
        "SetContextWindow",
        pb.SetContextWindowRequest(agent_id=AGENT, message_ids=[UNKNOWN_MESSAGE] * 2),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "message_ids[1]",
    ),
    (
        "SetContextWindow",
        pb.SetContextWindowRequest(agent_id=AGENT, message_ids=[UNKNOWN_MESSAGE] * 51),
        C.INVALID_ARGUMENT,
        "INVALID_FIELD",
        "message_ids",
    ),
    ("SetContextWindow", pb.SetContextWindowRequest(agent_id=AGENT), C.NOT_FOUND, "AGENT_NOT_FOUND", None),
]


async def test_bad_input_at_every_rpc(stub: MemoryServiceStub) -> None:
    covered = {name for name, *_ in BAD_INPUT}
    assert covered == set(pb.DESCRIPTOR.services_by_name["MemoryService"].methods_by_name)
    for name, request, code, reason, field in BAD_INPUT:
        decoded = await raises_rpc(getattr(stub, name)(request), code, reason)
        if field is not None:
            assert decoded.field_violations and decoded.field_violations[0][0] == field, (name, decoded)
    # Nothing was created by any of them.
    assert list((await stub.ListBlocks(pb.ListBlocksRequest())).blocks) == []
    await raises_rpc(
        stub.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=AGENT)), C.NOT_FOUND, "AGENT_NOT_FOUND"
    )


async def test_data_survives_a_restart(
    server_settings: ServerSettings, sqlite_url: str, grpc_stub: Callable[..., Any]
) -> None:
    settings = small_settings(database_url=sqlite_url)
    host = GrpcHost([MemoryComponent(server_settings, settings)], server_settings)
    port = await host.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        first = MemoryServiceStub(channel)
        agent, _ = await make_agent(first, "human")
        await first.AppendToBlock(pb.AppendToBlockRequest(selector=sel(agent, "human"), text="Name: Sid"))
        await first.AppendMessages(
            pb.AppendMessagesRequest(
                agent_id=agent,
                add_to_context=True,
                messages=[message_pb2.Message(role=USER, content="remember the lighthouse")],
            )
        )
    await host.stop(grace=0)

    second = await grpc_stub(sqlite_url)
    memory = await second.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=agent))
    assert [b.value for b in memory.blocks] == ["human value\nName: Sid"]
    assert [m.content for m in memory.in_context_messages] == ["remember the lighthouse"]
    hits = await second.SearchMessages(pb.SearchMessagesRequest(agent_id=agent, query="lighthouse"))
    assert len(hits.results) == 1
    more = await second.AppendMessages(
        pb.AppendMessagesRequest(agent_id=agent, messages=[message_pb2.Message(role=USER, content="next")])
    )
    assert more.messages[0].sequence == 2


async def test_component_refuses_calls_before_start(server_settings: ServerSettings) -> None:
    component = MemoryComponent(server_settings, small_settings())
    assert component.name == "memory" and component.service_names == ("memvisor.memory.v1.MemoryService",)
    from memvisor_common.errors import Unavailable

    with pytest.raises(Unavailable) as info:
        await component.servicer.GetAgentMemory(pb.GetAgentMemoryRequest(agent_id=AGENT), None)  # type: ignore[arg-type]
    assert info.value.reason == "SERVICE_NOT_STARTED"
