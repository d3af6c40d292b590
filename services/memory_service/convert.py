"""Protobuf <-> domain values. Checks here are the ones only the wire format can get wrong."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from memvisor.memory.v1 import block_pb2, message_pb2
from memvisor_common.errors import InvalidArgument
from memvisor_common.timeutil import from_timestamp, to_timestamp

from memory_service.domain import (
    Block,
    BlockPatch,
    BlockRef,
    Kind,
    Message,
    MessageFilter,
    MessageRecord,
    NewBlock,
    NewMessage,
    Role,
    ToolCall,
    decode_tool_calls,
)

_ROLE_IN = {
    message_pb2.MESSAGE_ROLE_SYSTEM: Role.SYSTEM,
    message_pb2.MESSAGE_ROLE_USER: Role.USER,
    message_pb2.MESSAGE_ROLE_ASSISTANT: Role.ASSISTANT,
    message_pb2.MESSAGE_ROLE_TOOL: Role.TOOL,
}
_ROLE_OUT = {v: k for k, v in _ROLE_IN.items()}
_KIND_IN = {
    message_pb2.MESSAGE_KIND_UNSPECIFIED: Kind.CHAT,
    message_pb2.MESSAGE_KIND_CHAT: Kind.CHAT,
    message_pb2.MESSAGE_KIND_HEARTBEAT: Kind.HEARTBEAT,
    message_pb2.MESSAGE_KIND_SYSTEM_ALERT: Kind.SYSTEM_ALERT,
}
_KIND_OUT = {
    Kind.CHAT: message_pb2.MESSAGE_KIND_CHAT,
    Kind.HEARTBEAT: message_pb2.MESSAGE_KIND_HEARTBEAT,
    Kind.SYSTEM_ALERT: message_pb2.MESSAGE_KIND_SYSTEM_ALERT,
}

# The stored strings (Role/Kind values) straight to the wire enums.
_ROLE_OUT_STORED = {role.value: number for role, number in _ROLE_OUT.items()}
_KIND_OUT_STORED = {kind.value: number for kind, number in _KIND_OUT.items()}

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)

UPDATABLE_PATHS = ("label", "value", "limit", "description", "read_only")


# ---- blocks -------------------------------------------------------------------------------------


def block_to_proto(block: Block) -> block_pb2.Block:
    return block_pb2.Block(
        id=block.id,
        label=block.label,
        value=block.value,
        limit=block.limit,
        description=block.description,
        read_only=block.read_only,
        version=block.version,
        agent_ids=list(block.agent_ids),
        create_time=to_timestamp(block.created_at),
        update_time=to_timestamp(block.updated_at),
    )


def new_block(msg: block_pb2.Block) -> NewBlock:
    return NewBlock(
        label=msg.label,
        value=msg.value,
        limit=msg.limit,
        description=msg.description,
        read_only=msg.read_only,
    )


def block_ref(selector: block_pb2.BlockSelector, present: bool) -> BlockRef:
    if not present:
        raise InvalidArgument("selector", "is required: set block_id, or agent_id with label")
    return BlockRef(block_id=selector.block_id, agent_id=selector.agent_id, label=selector.label)


def block_patch(block: block_pb2.Block, mask: FieldMask) -> BlockPatch:
    """The named fields (AIP-134); with an empty mask, the fields that are populated."""
    paths = list(mask.paths)
    for i, path in enumerate(paths):
        if path not in UPDATABLE_PATHS:
            raise InvalidArgument(
                f"update_mask.paths[{i}]", f"{path!r} cannot be updated; use {', '.join(UPDATABLE_PATHS)}"
            )
    if not paths:
        populated = {
            "label": bool(block.label),
            "value": bool(block.value),
            "limit": block.limit != 0,
            "description": bool(block.description),
            "read_only": block.read_only,
        }
        paths = [p for p, is_set in populated.items() if is_set]
    chosen = set(paths)
    return BlockPatch(
        label=block.label if "label" in chosen else None,
        value=block.value if "value" in chosen else None,
        limit=block.limit if "limit" in chosen else None,
        description=block.description if "description" in chosen else None,
        read_only=block.read_only if "read_only" in chosen else None,
    )


# ---- messages -----------------------------------------------------------------------------------


def role_in(value: int, field: str) -> Role:
    try:
        return _ROLE_IN[value]  # type: ignore[index]
    except KeyError:
        raise InvalidArgument(field, "must be SYSTEM, USER, ASSISTANT or TOOL") from None


def roles_in(values: Iterable[int], field: str) -> tuple[Role, ...]:
    return tuple(dict.fromkeys(role_in(v, f"{field}[{i}]") for i, v in enumerate(values)))


def new_message(msg: message_pb2.Message, field: str) -> NewMessage:
    kind = _KIND_IN.get(msg.kind)  # type: ignore[call-overload]
    if kind is None:
        raise InvalidArgument(f"{field}.kind", "is not a known message kind")
    return NewMessage(
        role=role_in(msg.role, f"{field}.role"),
        kind=kind,
        content=msg.content,
        tool_calls=tuple(ToolCall(c.id, c.name, c.arguments) for c in msg.tool_calls),
        tool_call_id=msg.tool_call_id,
        tool_name=msg.tool_name,
        step_id=msg.step_id,
        created_at=timestamp_in(msg.create_time, msg.HasField("create_time"), f"{field}.create_time"),
    )


def message_to_proto(m: Message) -> message_pb2.Message:
    return message_pb2.Message(
        id=m.id,
        agent_id=m.agent_id,
        role=_ROLE_OUT[m.role],
        kind=_KIND_OUT[m.kind],
        content=m.content,
        tool_calls=[message_pb2.ToolCall(id=c.id, name=c.name, arguments=c.arguments) for c in m.tool_calls],
        tool_call_id=m.tool_call_id,
        tool_name=m.tool_name,
        step_id=m.step_id,
        sequence=m.sequence,
        create_time=to_timestamp(m.created_at),
    )


def record_to_proto(rec: MessageRecord) -> message_pb2.Message:
    """The same message as message_to_proto(record_to_message(rec)), without the Message between."""
    id_, agent_id, role, kind, content, tool_calls, tool_call_id, tool_name, step_id, sequence, created = rec
    msg = message_pb2.Message(
        id=id_,
        agent_id=agent_id,
        role=_ROLE_OUT_STORED[role],
        kind=_KIND_OUT_STORED[kind],
        content=content,
        tool_call_id=tool_call_id,
        tool_name=tool_name,
        step_id=step_id,
        sequence=sequence,
    )
    if tool_calls != "[]":
        msg.tool_calls.extend(
            [
                message_pb2.ToolCall(id=c["id"], name=c["name"], arguments=c["arguments"])
                for c in decode_tool_calls(tool_calls)
            ]
        )
    # Timestamp.FromDatetime's result (naive means UTC), without its struct_time round trip.
    since = created - (_EPOCH_UTC if created.tzinfo is not None else _EPOCH_NAIVE)
    ts = msg.create_time
    ts.seconds = since.days * 86400 + since.seconds
    ts.nanos = since.microseconds * 1000
    return msg


def timestamp_in(ts: Timestamp, present: bool, field: str) -> datetime | None:
    try:
        return from_timestamp(ts, present)
    except (ValueError, OverflowError):
        raise InvalidArgument(field, "is not a valid timestamp") from None


def message_filter(
    roles: Iterable[int], start: Timestamp, has_start: bool, end: Timestamp, has_end: bool
) -> MessageFilter:
    return MessageFilter(
        roles=roles_in(roles, "roles"),
        start_time=timestamp_in(start, has_start, "start_time"),
        end_time=timestamp_in(end, has_end, "end_time"),
    )
