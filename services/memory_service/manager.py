"""Business logic of the memory service: blocks, agent memory, recall messages, context window.

Plain async Python over `Database.run`: every method is one transaction, takes the tenant
explicitly, checks its input, and raises domain errors (never gRPC ones).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from memvisor_common.db import Database
from memvisor_common.errors import AlreadyExists, Conflict, InvalidArgument, MemvisorError, NotFound
from memvisor_common.ids import new_id
from memvisor_common.paging import decode_page_token, encode_page_token, resolve_page_size
from memvisor_common.timeutil import as_utc, utcnow
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from memory_service import fulltext, message_store, store, text_edit, validate
from memory_service.domain import (
    AgentMemory,
    Block,
    BlockPatch,
    BlockRef,
    Message,
    MessageFilter,
    MessageRecord,
    NewBlock,
    NewMessage,
    Page,
    Role,
    SearchHit,
)
from memory_service.errors import BlockLimitExceeded, BlockReadOnly, ToolCallSplit
from memory_service.models import BlockRow, MessageRow
from memory_service.settings import MemorySettings

log = logging.getLogger(__name__)

M = TypeVar("M")

NO_FILTER = MessageFilter()  # frozen, so safe as a shared default

# Computes the columns to change from the locked current row; raises to refuse the edit.
EditFn = Callable[[BlockRow], dict[str, Any]]


class _LostRace(Exception):
    """The version changed between our read and our UPDATE (another writer won)."""


class _Integrity(MemvisorError):
    """A unique constraint caught a race the pre-checks could not see."""

    def __init__(self) -> None:
        super().__init__(
            "a concurrent request changed the same data; retry",
            reason="CONCURRENT_MODIFICATION",
            code=Conflict.code,
        )


class MemoryManager:
    def __init__(self, db: Database, settings: MemorySettings) -> None:
        self._db = db
        self._settings = settings

    async def _run(self, fn: Callable[[Session], Any]) -> Any:
        try:
            return await self._db.run(fn)
        except IntegrityError as exc:
            log.info("integrity error mapped to conflict", extra={"error": str(exc.orig)})
            raise _Integrity() from exc

    # ---- blocks ---------------------------------------------------------------------------------

    async def create_block(self, tenant: str, block: NewBlock) -> Block:
        block = validate.new_block(block, "block", self._settings)

        def tx(s: Session) -> Block:
            return store.to_block(store.insert_block(s, tenant, block, utcnow()), [])

        created: Block = await self._run(tx)
        log.info("block created", extra={"block_id": created.id, "label": created.label})
        return created

    async def get_block(self, tenant: str, ref: BlockRef) -> Block:
        validate.block_ref(ref, self._settings)

        def tx(s: Session) -> Block:
            return store.to_blocks(s, tenant, [store.resolve_block(s, tenant, ref)])[0]

        return await self._run(tx)

    async def list_blocks(
        self, tenant: str, *, agent_id: str = "", label: str = "", page_size: int = 0, page_token: str = ""
    ) -> Page[Block]:
        if agent_id:
            validate.agent_id(agent_id)
        if label:
            validate.label(label, "label", self._settings)
        size = resolve_page_size(
            page_size, default=self._settings.default_page_size, maximum=self._settings.max_page_size
        )
        filters = {"agent_id": agent_id, "label": label}
        cursor = decode_page_token(page_token, filters)
        after = _int_cursor(cursor, "after")

        def tx(s: Session) -> Page[Block]:
            if agent_id:
                store.require_agent(s, tenant, agent_id)
                pairs = store.agent_blocks(
                    s,
                    tenant,
                    agent_id,
                    label=label,
                    after_position=-1 if after is None else after,
                    limit=size + 1,
                )
                rows, keys = [r for r, _ in pairs], [p for _, p in pairs]
            else:
                rows = store.list_blocks(
                    s, tenant, label=label, after_pk=0 if after is None else after, limit=size + 1
                )
                keys = [r.pk for r in rows]
            token = encode_page_token({"after": keys[size - 1]}, filters) if len(rows) > size else ""
            return Page(store.to_blocks(s, tenant, rows[:size]), token)

        return await self._run(tx)

    async def update_block(
        self, tenant: str, ref: BlockRef, patch: BlockPatch, *, expected_version: int = 0
    ) -> Block:
        validate.block_ref(ref, self._settings)
        patch = validate.block_patch(patch, self._settings)
        validate.expected_version(expected_version)

        def edit(row: BlockRow) -> dict[str, Any]:
            changes: dict[str, Any] = {}
            if patch.label is not None and patch.label != row.label:
                changes["label"] = patch.label
            if patch.value is not None:
                changes["value"] = patch.value
            if patch.limit is not None:
                changes["char_limit"] = patch.limit
            if patch.description is not None:
                changes["description"] = patch.description
            if patch.read_only is not None:
                changes["read_only"] = patch.read_only
            return changes

        return await self._edit(tenant, ref, edit, expected_version, enforce_read_only=False)

    async def delete_block(self, tenant: str, block_id: str) -> None:
        validate.block_id(block_id)

        def tx(s: Session) -> None:
            if not store.delete_block(s, tenant, block_id):
                raise NotFound("block", block_id)

        await self._run(tx)
        log.info("block deleted", extra={"block_id": block_id})

    async def append_to_block(
        self,
        tenant: str,
        ref: BlockRef,
        text: str,
        *,
        expected_version: int = 0,
        enforce_read_only: bool = False,
    ) -> Block:
        validate.block_ref(ref, self._settings)
        validate.edit_text("text", text, self._settings)
        return await self._edit(
            tenant,
            ref,
            lambda row: {"value": text_edit.append(row.value, text)},
            validate.expected_version(expected_version),
            enforce_read_only,
        )

    async def replace_in_block(
        self,
        tenant: str,
        ref: BlockRef,
        old_text: str,
        new_text: str,
        *,
        replace_all: bool = False,
        expected_version: int = 0,
        enforce_read_only: bool = False,
    ) -> Block:
        validate.block_ref(ref, self._settings)
        # Without this, "" would "occur" everywhere and replace_all would interleave new_text.
        validate.edit_text("old_text", old_text, self._settings)
        validate.edit_text("new_text", new_text, self._settings, required=False)
        return await self._edit(
            tenant,
            ref,
            lambda row: {"value": text_edit.replace(row.label, row.value, old_text, new_text, replace_all)},
            validate.expected_version(expected_version),
            enforce_read_only,
        )

    async def insert_into_block(
        self,
        tenant: str,
        ref: BlockRef,
        text: str,
        *,
        line: int = -1,
        expected_version: int = 0,
        enforce_read_only: bool = False,
    ) -> Block:
        validate.block_ref(ref, self._settings)
        validate.edit_text("text", text, self._settings)
        if line < -1:
            raise InvalidArgument(
                "line", "must be -1 (the end) or a line number from 0", reason="LINE_OUT_OF_RANGE"
            )
        return await self._edit(
            tenant,
            ref,
            lambda row: {"value": text_edit.insert(row.value, text, line)},
            validate.expected_version(expected_version),
            enforce_read_only,
        )

    async def rethink_block(
        self,
        tenant: str,
        ref: BlockRef,
        value: str,
        *,
        expected_version: int = 0,
        enforce_read_only: bool = False,
    ) -> Block:
        validate.block_ref(ref, self._settings)
        validate.edit_text("value", value, self._settings, required=False)
        return await self._edit(
            tenant,
            ref,
            lambda row: {"value": value},
            validate.expected_version(expected_version),
            enforce_read_only,
        )

    async def _edit(
        self, tenant: str, ref: BlockRef, compute: EditFn, expected_version: int, enforce_read_only: bool
    ) -> Block:
        """Read (row-locked on PostgreSQL), check, compute, then UPDATE guarded by the version read.

        The version guard in the UPDATE is what makes concurrent edits safe on any backend: a
        writer that read an old version changes nothing. An edit that named expected_version
        then fails with ABORTED; an unconditional one re-reads and retries.
        """

        def tx(s: Session) -> Block:
            row = store.resolve_block(s, tenant, ref, lock=True)
            if expected_version and row.version != expected_version:
                raise Conflict(
                    f"block {row.label!r} is at version {row.version}, not {expected_version}; "
                    "re-read it and retry",
                    block_id=row.id,
                    current_version=str(row.version),
                    expected_version=str(expected_version),
                )
            if enforce_read_only and row.read_only:
                raise BlockReadOnly(row.label)
            changes = compute(row)
            value = changes.get("value", row.value)
            limit = changes.get("char_limit", row.char_limit)
            if len(value) > limit:
                raise BlockLimitExceeded(row.label, len(value), limit)
            if "label" in changes:
                store.check_label_free(s, tenant, row.id, changes["label"])
                store.relabel_attachments(s, tenant, row.id, changes["label"])
            if not store.compare_and_swap(s, tenant, row, changes, utcnow()):
                raise _LostRace()
            return store.to_blocks(s, tenant, [row])[0]

        for _ in range(self._settings.edit_attempts):
            try:
                block: Block = await self._run(tx)
            except _LostRace:
                if expected_version:
                    raise Conflict("the block changed concurrently; re-read it and retry") from None
                continue
            log.debug("block edited", extra={"block_id": block.id, "version": block.version})
            return block
        raise Conflict("the block kept changing concurrently; retry", reason="CONCURRENT_MODIFICATION")

    async def attach_block(self, tenant: str, agent_id: str, block_id: str) -> Block:
        validate.agent_id(agent_id)
        validate.block_id(block_id)

        def tx(s: Session) -> Block:
            store.require_agent(s, tenant, agent_id, lock=True)
            row = store.get_block(s, tenant, block_id)
            if row is None:
                raise NotFound("block", block_id)
            store.attach(s, tenant, agent_id, row, utcnow())
            return store.to_blocks(s, tenant, [row])[0]

        return await self._run(tx)

    async def detach_block(self, tenant: str, agent_id: str, block_id: str) -> None:
        validate.agent_id(agent_id)
        validate.block_id(block_id)

        def tx(s: Session) -> None:
            store.require_agent(s, tenant, agent_id, lock=True)
            if store.get_block(s, tenant, block_id) is None:
                raise NotFound("block", block_id)
            if not store.detach(s, tenant, agent_id, block_id):
                raise NotFound("attachment", f"{agent_id}/{block_id}")

        await self._run(tx)

    # ---- agent memory ---------------------------------------------------------------------------

    async def create_agent_memory(
        self, tenant: str, agent_id: str, blocks: Sequence[NewBlock] = (), block_ids: Sequence[str] = ()
    ) -> list[Block]:
        validate.agent_id(agent_id)
        if len(blocks) + len(block_ids) > self._settings.max_blocks_per_agent:
            raise InvalidArgument(
                "blocks", f"an agent may have at most {self._settings.max_blocks_per_agent} blocks"
            )
        new_blocks = [validate.new_block(b, f"blocks[{i}]", self._settings) for i, b in enumerate(blocks)]
        for i, bid in enumerate(block_ids):
            validate.block_id(bid, f"block_ids[{i}]")
            if bid in block_ids[:i]:
                raise InvalidArgument(f"block_ids[{i}]", f"{bid!r} is listed twice")

        def tx(s: Session) -> list[Block]:
            if store.get_agent(s, tenant, agent_id) is not None:
                raise _agent_exists(agent_id)
            now = utcnow()
            store.insert_agent(s, tenant, agent_id, now)
            rows = [store.insert_block(s, tenant, b, now) for b in new_blocks]
            for bid in block_ids:
                row = store.get_block(s, tenant, bid)
                if row is None:
                    raise NotFound("block", bid)
                rows.append(row)
            for row in rows:
                store.attach(s, tenant, agent_id, row, now)
            return store.to_blocks(s, tenant, rows)

        try:
            created: list[Block] = await self._run(tx)
        except _Integrity:
            raise _agent_exists(agent_id) from None
        log.info("agent memory created", extra={"agent_id": agent_id, "blocks": len(created)})
        return created

    async def get_agent_memory(self, tenant: str, agent_id: str) -> AgentMemory[Message]:
        return await self.get_agent_memory_as(tenant, agent_id, message_store.record_to_message)

    async def get_agent_memory_as(
        self, tenant: str, agent_id: str, convert: Callable[[MessageRecord], M]
    ) -> AgentMemory[M]:
        """The agent's memory with each in-context message passed through `convert` (the
        servicer builds protobuf messages straight from the stored values). Three statements:
        the agent row, its blocks with their owners, the in-context messages by id."""
        validate.agent_id(agent_id)

        def tx(s: Session) -> AgentMemory[M]:
            conn = s.connection()
            summary, context_version, in_context_ids, message_count = store.agent_memory_row(
                conn, tenant, agent_id
            )
            blocks = store.agent_block_values(conn, tenant, agent_id)
            records = message_store.records_in_order(conn, tenant, agent_id, in_context_ids)
            return AgentMemory(
                agent_id=agent_id,
                blocks=tuple(blocks),
                in_context_messages=tuple(map(convert, records)),
                summary=summary,
                recall_message_count=message_count,
                context_version=context_version,
            )

        return await self._run(tx)

    async def delete_agent_memory(self, tenant: str, agent_id: str) -> None:
        validate.agent_id(agent_id)

        def tx(s: Session) -> int:
            store.require_agent(s, tenant, agent_id, lock=True)
            deleted = message_store.delete_for_agent(s, tenant, agent_id)
            store.delete_agent(s, tenant, agent_id)
            return deleted

        deleted = await self._run(tx)
        log.info("agent memory deleted", extra={"agent_id": agent_id, "messages": deleted})

    # ---- recall memory --------------------------------------------------------------------------

    async def append_messages(
        self, tenant: str, agent_id: str, messages: Sequence[NewMessage], *, add_to_context: bool = False
    ) -> list[Message]:
        validate.agent_id(agent_id)
        answers = validate.messages(messages, self._settings)
        ids = [new_id("message") for _ in messages]

        def tx(s: Session) -> list[Message]:
            conn = s.connection()
            # The agent row's lock makes "read last_sequence, write last_sequence + n" atomic.
            last, context = store.lock_sequence(conn, tenant, agent_id, with_context=add_to_context)
            now = utcnow()
            values = []
            stored = []
            for i, msg in enumerate(messages):
                created_at = as_utc(msg.created_at or now)
                values.append(
                    message_store.new_values(
                        id=ids[i],
                        tenant=tenant,
                        agent_id=agent_id,
                        sequence=last + 1 + i,
                        role=msg.role,
                        kind=msg.kind,
                        content=msg.content,
                        tool_calls=msg.tool_calls,
                        tool_call_id=msg.tool_call_id,
                        tool_name=msg.tool_name,
                        call_message_id=ids[answers[i]] if i in answers else None,
                        step_id=msg.step_id,
                        search_text=fulltext.search_text(msg.role, msg.kind, msg.content, msg.tool_calls),
                        created_at=created_at,
                    )
                )
                stored.append(
                    Message(
                        id=ids[i],
                        agent_id=agent_id,
                        role=msg.role,
                        kind=msg.kind,
                        content=msg.content,
                        tool_calls=tuple(msg.tool_calls),
                        tool_call_id=msg.tool_call_id,
                        tool_name=msg.tool_name,
                        step_id=msg.step_id,
                        sequence=last + 1 + i,
                        created_at=created_at,
                    )
                )
            message_store.insert_values(conn, values)
            store.bump_sequence(
                conn,
                tenant,
                agent_id,
                new_last=last + len(values),
                added=len(values),
                context=None if context is None else [*context, *ids],
                now=now,
            )
            return stored

        stored: list[Message] = await self._run(tx)
        log.debug("messages appended", extra={"agent_id": agent_id, "count": len(stored)})
        return stored

    async def list_messages(
        self,
        tenant: str,
        agent_id: str,
        flt: MessageFilter = NO_FILTER,
        *,
        descending: bool = False,
        page_size: int = 0,
        page_token: str = "",
    ) -> Page[Message]:
        validate.agent_id(agent_id)
        _check_range(flt)
        size = resolve_page_size(
            page_size, default=self._settings.default_page_size, maximum=self._settings.max_page_size
        )
        filters = {
            "agent_id": agent_id,
            "roles": sorted(r.value for r in flt.roles),
            "start": _iso(flt.start_time),
            "end": _iso(flt.end_time),
            "descending": descending,
        }
        after = _int_cursor(decode_page_token(page_token, filters), "after")

        def tx(s: Session) -> Page[Message]:
            store.require_agent(s, tenant, agent_id)
            rows = message_store.page(
                s, tenant, agent_id, flt, after_sequence=after, descending=descending, limit=size + 1
            )
            token = encode_page_token({"after": rows[size - 1].sequence}, filters) if len(rows) > size else ""
            return Page([message_store.to_message(r) for r in rows[:size]], token)

        return await self._run(tx)

    async def search_messages(
        self, tenant: str, agent_id: str, query: str, flt: MessageFilter = NO_FILTER, *, limit: int = 0
    ) -> list[SearchHit]:
        validate.agent_id(agent_id)
        validate.text("query", query, self._settings.max_query_chars)
        _check_range(flt)
        if not query.strip() and flt.is_empty():
            raise InvalidArgument("query", "is required unless a role or time filter is given")
        if limit < 0:
            raise InvalidArgument("limit", "must not be negative")
        limit = min(limit or self._settings.default_search_limit, self._settings.max_search_limit)
        if not flt.roles:
            flt = MessageFilter(fulltext.INDEXED_ROLES, flt.start_time, flt.end_time)
        terms = fulltext.query_terms(query, self._settings.max_query_terms)

        def tx(s: Session) -> list[SearchHit]:
            store.require_agent(s, tenant, agent_id)
            if not query.strip():
                rows = message_store.newest(s, tenant, agent_id, flt, limit)
                return [SearchHit(message_store.to_message(r), 0.0) for r in rows]
            if not terms:  # only punctuation: nothing a word index can match
                return []
            hits = message_store.search(s, tenant, agent_id, flt, terms, limit)
            return [SearchHit(message_store.to_message(r), score) for r, score in hits]

        return await self._run(tx)

    async def set_context_window(
        self,
        tenant: str,
        agent_id: str,
        message_ids: Sequence[str],
        *,
        summary: str = "",
        expected_context_version: int = 0,
    ) -> int:
        validate.agent_id(agent_id)
        if len(message_ids) > self._settings.max_context_messages:
            raise InvalidArgument(
                "message_ids",
                f"has {len(message_ids)} ids; the maximum is {self._settings.max_context_messages}",
            )
        positions: dict[str, int] = {}
        for i, mid in enumerate(message_ids):
            validate.message_id(mid, f"message_ids[{i}]")
            if mid in positions:
                raise InvalidArgument(f"message_ids[{i}]", f"{mid!r} is listed twice")
            positions[mid] = i
        validate.text("summary", summary, self._settings.max_summary_chars)
        validate.expected_version(expected_context_version, "expected_context_version")

        def tx(s: Session) -> int:
            agent = store.require_agent(s, tenant, agent_id, lock=True)
            if expected_context_version and agent.context_version != expected_context_version:
                raise Conflict(
                    f"context is at version {agent.context_version}, not {expected_context_version}",
                    reason="CONTEXT_VERSION_CONFLICT",
                    current_version=str(agent.context_version),
                )
            rows = message_store.by_ids(s, tenant, agent_id, list(message_ids))
            for mid in message_ids:
                if mid not in rows:
                    raise NotFound("message", mid)
            _check_tool_pairs(s, tenant, rows, positions)
            agent.in_context_ids = list(message_ids)
            agent.summary = summary
            agent.context_version += 1
            agent.updated_at = utcnow()
            return agent.context_version

        version: int = await self._run(tx)
        log.debug(
            "context window set",
            extra={"agent_id": agent_id, "messages": len(message_ids), "context_version": version},
        )
        return version


def _check_tool_pairs(
    s: Session, tenant: str, rows: dict[str, MessageRow], positions: dict[str, int]
) -> None:
    """A call and its results enter and leave the context together, the call first."""
    callers = [mid for mid, r in rows.items() if r.role == Role.ASSISTANT.value and r.tool_calls]
    for result in message_store.results_of_calls(s, tenant, callers):
        caller = result.call_message_id or ""
        if result.id not in positions:
            raise ToolCallSplit(
                f"message_ids[{positions[caller]}]",
                f"{caller!r} calls a tool but its result {result.id!r} is not listed",
            )
    for mid, r in rows.items():
        if r.role != Role.TOOL.value or r.call_message_id is None:
            continue
        if r.call_message_id not in positions:
            raise ToolCallSplit(
                f"message_ids[{positions[mid]}]",
                f"tool result {mid!r} is listed without its call {r.call_message_id!r}",
            )
        if positions[r.call_message_id] > positions[mid]:
            raise ToolCallSplit(
                f"message_ids[{positions[mid]}]",
                f"tool result {mid!r} is listed before its call {r.call_message_id!r}",
            )


def _agent_exists(agent_id: str) -> MemvisorError:
    return AlreadyExists("agent", agent_id)


def _check_range(flt: MessageFilter) -> None:
    if flt.start_time and flt.end_time and flt.start_time > flt.end_time:
        raise InvalidArgument("end_time", "is before start_time")


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _int_cursor(cursor: dict[str, Any] | None, key: str) -> int | None:
    if cursor is None:
        return None
    value = cursor.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument("page_token", "is not a token this server issued")
    return value
