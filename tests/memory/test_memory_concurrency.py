"""Concurrent writers on SQLite and PostgreSQL (where Database.run uses real threads)."""

from __future__ import annotations

import asyncio

from memory_service import store
from memory_service.domain import BlockRef, NewBlock, NewMessage, Role
from memory_service.manager import MemoryManager
from memory_service.settings import MemorySettings
from memvisor_common.db import Database
from memvisor_common.errors import Conflict
from memvisor_common.timeutil import utcnow

from .conftest import TENANT
from .helpers import agent_id

N = 12


async def test_expected_version_lets_exactly_one_writer_win(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("human", "start"))
    ref = BlockRef(block_id=block.id)
    results = await asyncio.gather(
        *(manager.append_to_block(TENANT, ref, f"line {i}", expected_version=1) for i in range(N)),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, Conflict) and e.reason == "VERSION_CONFLICT" for e in losers), losers
    final = await manager.get_block(TENANT, ref)
    assert final.version == 2
    assert final.value == winners[0].value  # type: ignore[union-attr]


async def test_unconditional_concurrent_appends_all_land(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("human", "", limit=1000))
    ref = BlockRef(block_id=block.id)
    await asyncio.gather(*(manager.append_to_block(TENANT, ref, f"line {i}") for i in range(N)))
    final = await manager.get_block(TENANT, ref)
    assert sorted(final.value.split("\n")) == sorted(f"line {i}" for i in range(N))
    assert final.version == 1 + N


async def test_update_guard_refuses_a_stale_version(database: Database) -> None:
    """The UPDATE's WHERE clause itself, not only the pre-check, protects against lost updates."""
    manager = MemoryManager(database, MemorySettings())
    block = await manager.create_block(TENANT, NewBlock("human", "v1"))

    def stale_write() -> bool:
        with database.transaction() as s:
            row = store.get_block(s, TENANT, block.id)
            assert row is not None
            row.version = 0  # what a writer holds when someone else committed in between
            s.expunge(row)
            return store.compare_and_swap(s, TENANT, row, {"value": "lost"}, utcnow())

    assert await asyncio.to_thread(stale_write) is False
    after = await manager.get_block(TENANT, BlockRef(block_id=block.id))
    assert (after.value, after.version) == ("v1", 1)


async def test_concurrent_message_appends_get_unique_ordered_sequences(manager: MemoryManager) -> None:
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent)
    batches = await asyncio.gather(
        *(
            manager.append_messages(
                TENANT,
                agent,
                [NewMessage(Role.USER, content=f"b{b} m{i}") for i in range(3)],
                add_to_context=True,
            )
            for b in range(N)
        )
    )
    for batch in batches:
        seqs = [m.sequence for m in batch]
        assert seqs == list(range(seqs[0], seqs[0] + 3))  # a batch is contiguous
    all_seqs = sorted(m.sequence for batch in batches for m in batch)
    assert all_seqs == list(range(1, 3 * N + 1))
    memory = await manager.get_agent_memory(TENANT, agent)
    assert memory.recall_message_count == 3 * N
    assert len(memory.in_context_messages) == 3 * N  # no add_to_context update was lost


async def test_concurrent_context_replacements_one_wins(manager: MemoryManager) -> None:
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent)
    msgs = await manager.append_messages(
        TENANT, agent, [NewMessage(Role.USER, content=str(i)) for i in range(N)]
    )
    results = await asyncio.gather(
        *(
            manager.set_context_window(TENANT, agent, [m.id], summary=f"s{i}", expected_context_version=1)
            for i, m in enumerate(msgs)
        ),
        return_exceptions=True,
    )
    assert [r for r in results if not isinstance(r, BaseException)] == [2]
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    memory = await manager.get_agent_memory(TENANT, agent)
    assert memory.context_version == 2 and len(memory.in_context_messages) == 1
