"""Blocks through the manager, on SQLite and PostgreSQL: CRUD, edit verbs, refusals, sharing."""

from __future__ import annotations

import pytest
from memory_service.domain import BlockPatch, BlockRef, NewBlock
from memory_service.manager import MemoryManager

from .conftest import TENANT
from .helpers import agent_id, raises_domain


async def test_create_get_list_update_delete(manager: MemoryManager) -> None:
    created = await manager.create_block(TENANT, NewBlock("persona", "I am Sam.", 0, "who I am", False))
    assert created.id.startswith("block-")
    assert (created.label, created.value, created.limit, created.version) == ("persona", "I am Sam.", 200, 1)
    assert created.agent_ids == ()
    assert created.created_at.tzinfo is not None

    fetched = await manager.get_block(TENANT, BlockRef(block_id=created.id))
    assert fetched == created

    listed = await manager.list_blocks(TENANT)
    assert [b.id for b in listed.items] == [created.id]

    updated = await manager.update_block(
        TENANT, BlockRef(block_id=created.id), BlockPatch(description="new", read_only=True, limit=300)
    )
    assert (updated.description, updated.read_only, updated.limit, updated.version) == ("new", True, 300, 2)
    assert updated.value == "I am Sam."

    await manager.delete_block(TENANT, created.id)
    await raises_domain(
        manager.get_block(TENANT, BlockRef(block_id=created.id)), "NOT_FOUND", "BLOCK_NOT_FOUND"
    )
    await raises_domain(manager.delete_block(TENANT, created.id), "NOT_FOUND", "BLOCK_NOT_FOUND")


async def test_edit_verbs(manager: MemoryManager) -> None:
    agent = agent_id()
    [block] = await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "")])
    ref = BlockRef(agent_id=agent, label="human")

    b = await manager.append_to_block(TENANT, ref, "Name: Chad")
    assert b.value == "Name: Chad"  # no leading newline on an empty block
    b = await manager.append_to_block(TENANT, ref, "Likes: hiking")
    assert b.value == "Name: Chad\nLikes: hiking"
    b = await manager.replace_in_block(TENANT, ref, "Chad", "Sid")
    assert b.value == "Name: Sid\nLikes: hiking"
    b = await manager.insert_into_block(TENANT, ref, "# Human", line=0)
    assert b.value == "# Human\nName: Sid\nLikes: hiking"
    b = await manager.insert_into_block(TENANT, ref, "Age: 30", line=2)
    assert b.value == "# Human\nName: Sid\nAge: 30\nLikes: hiking"
    b = await manager.insert_into_block(TENANT, ref, "END", line=-1)
    assert b.value.endswith("Likes: hiking\nEND")
    b = await manager.replace_in_block(TENANT, ref, "\nEND", "")
    assert b.value == "# Human\nName: Sid\nAge: 30\nLikes: hiking"
    b = await manager.rethink_block(TENANT, ref, "Sid, 30, hikes")
    assert b.value == "Sid, 30, hikes"
    assert b.version == 9 and b.id == block.id


async def test_replace_all_and_uniqueness(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("notes", "a cat, a cat"))
    ref = BlockRef(block_id=block.id)
    err = await raises_domain(
        manager.replace_in_block(TENANT, ref, "cat", "dog"), "FAILED_PRECONDITION", "TEXT_NOT_UNIQUE"
    )
    assert err.metadata["occurrences"] == "2"
    await raises_domain(
        manager.replace_in_block(TENANT, ref, "bird", "dog"), "FAILED_PRECONDITION", "TEXT_NOT_FOUND"
    )
    await raises_domain(manager.replace_in_block(TENANT, ref, "", "dog"), "INVALID_ARGUMENT", "INVALID_FIELD")
    assert (await manager.get_block(TENANT, ref)).version == 1
    b = await manager.replace_in_block(TENANT, ref, "cat", "dog", replace_all=True)
    assert b.value == "a dog, a dog"


async def test_insert_line_range_checked(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("notes", "one\ntwo"))
    ref = BlockRef(block_id=block.id)
    await raises_domain(
        manager.insert_into_block(TENANT, ref, "x", line=3), "INVALID_ARGUMENT", "LINE_OUT_OF_RANGE"
    )
    await raises_domain(
        manager.insert_into_block(TENANT, ref, "x", line=-2), "INVALID_ARGUMENT", "LINE_OUT_OF_RANGE"
    )
    b = await manager.insert_into_block(TENANT, ref, "x", line=2)
    assert b.value == "one\ntwo\nx"


async def test_refused_edits_leave_block_unchanged(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("human", "x" * 95, limit=100))
    ref = BlockRef(block_id=block.id)

    err = await raises_domain(
        manager.append_to_block(TENANT, ref, "too long"), "FAILED_PRECONDITION", "BLOCK_LIMIT_EXCEEDED"
    )
    assert err.metadata == {"label": "human", "length": "104", "limit": "100"}
    assert "100" in err.message and "104" in err.message
    await raises_domain(
        manager.rethink_block(TENANT, ref, "y" * 101), "FAILED_PRECONDITION", "BLOCK_LIMIT_EXCEEDED"
    )
    await raises_domain(
        manager.update_block(TENANT, ref, BlockPatch(limit=50)), "FAILED_PRECONDITION", "BLOCK_LIMIT_EXCEEDED"
    )
    await raises_domain(
        manager.append_to_block(TENANT, ref, "ok", expected_version=7), "ABORTED", "VERSION_CONFLICT"
    )

    ro = await manager.update_block(TENANT, ref, BlockPatch(read_only=True))
    assert ro.version == 2
    for edit in (
        manager.append_to_block(TENANT, ref, "a", enforce_read_only=True),
        manager.replace_in_block(TENANT, ref, "x", "y", replace_all=True, enforce_read_only=True),
        manager.insert_into_block(TENANT, ref, "a", line=0, enforce_read_only=True),
        manager.rethink_block(TENANT, ref, "a", enforce_read_only=True),
    ):
        await raises_domain(edit, "FAILED_PRECONDITION", "BLOCK_READ_ONLY")

    after = await manager.get_block(TENANT, ref)
    assert (after.value, after.limit, after.version) == ("x" * 95, 100, 2)
    # Users (no enforce_read_only) may still edit a read-only block.
    b = await manager.rethink_block(TENANT, ref, "user edit")
    assert (b.value, b.version) == ("user edit", 3)


async def test_expected_version_accepts_current(manager: MemoryManager) -> None:
    block = await manager.create_block(TENANT, NewBlock("human", "a"))
    ref = BlockRef(block_id=block.id)
    b = await manager.append_to_block(TENANT, ref, "b", expected_version=1)
    assert b.version == 2
    b = await manager.update_block(TENANT, ref, BlockPatch(value="c"), expected_version=2)
    assert (b.value, b.version) == ("c", 3)
    await raises_domain(
        manager.update_block(TENANT, ref, BlockPatch(value="d"), expected_version=2),
        "ABORTED",
        "VERSION_CONFLICT",
    )
    assert (await manager.get_block(TENANT, ref)).value == "c"


async def test_shared_block_across_agents(manager: MemoryManager) -> None:
    shared = await manager.create_block(TENANT, NewBlock("project", "Ship v1"))
    a1, a2 = agent_id(), agent_id()
    await manager.create_agent_memory(TENANT, a1, [NewBlock("human", "")], [shared.id])
    blocks2 = await manager.create_agent_memory(TENANT, a2, [], [shared.id])
    assert blocks2[0].agent_ids == (a1, a2)

    await manager.append_to_block(TENANT, BlockRef(agent_id=a1, label="project"), "by Friday")
    seen_by_a2 = await manager.get_block(TENANT, BlockRef(agent_id=a2, label="project"))
    assert seen_by_a2.value == "Ship v1\nby Friday"

    await manager.detach_block(TENANT, a1, shared.id)
    assert (await manager.get_block(TENANT, BlockRef(block_id=shared.id))).agent_ids == (a2,)
    await raises_domain(manager.detach_block(TENANT, a1, shared.id), "NOT_FOUND", "ATTACHMENT_NOT_FOUND")
    attached = await manager.attach_block(TENANT, a1, shared.id)
    assert set(attached.agent_ids) == {a1, a2}
    await raises_domain(
        manager.attach_block(TENANT, a1, shared.id), "ALREADY_EXISTS", "BLOCK_ALREADY_ATTACHED"
    )

    # Deleting the block detaches it everywhere.
    await manager.delete_block(TENANT, shared.id)
    memory = await manager.get_agent_memory(TENANT, a2)
    assert memory.blocks == ()


async def test_labels_unique_per_agent(manager: MemoryManager) -> None:
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "")])
    other = await manager.create_block(TENANT, NewBlock("human", "another"))
    await raises_domain(
        manager.attach_block(TENANT, agent, other.id), "ALREADY_EXISTS", "BLOCK_LABEL_ALREADY_EXISTS"
    )
    assert (await manager.get_block(TENANT, BlockRef(block_id=other.id))).agent_ids == ()

    # Relabelling an attached block onto a taken label is refused too.
    notes = await manager.create_block(TENANT, NewBlock("notes", ""))
    await manager.attach_block(TENANT, agent, notes.id)
    await raises_domain(
        manager.update_block(TENANT, BlockRef(block_id=notes.id), BlockPatch(label="human")),
        "ALREADY_EXISTS",
        "BLOCK_LABEL_ALREADY_EXISTS",
    )
    renamed = await manager.update_block(TENANT, BlockRef(block_id=notes.id), BlockPatch(label="facts"))
    assert renamed.label == "facts"
    assert (await manager.get_block(TENANT, BlockRef(agent_id=agent, label="facts"))).id == notes.id
    await raises_domain(
        manager.get_block(TENANT, BlockRef(agent_id=agent, label="notes")), "NOT_FOUND", "BLOCK_NOT_FOUND"
    )


async def test_list_blocks_paging_and_filters(manager: MemoryManager) -> None:
    agent = agent_id()
    await manager.create_agent_memory(TENANT, agent, [NewBlock(f"b{i}", str(i)) for i in range(5)])
    await manager.create_block(TENANT, NewBlock("b1", "standalone"))

    labels: list[str] = []
    token = ""
    while True:
        page = await manager.list_blocks(TENANT, agent_id=agent, page_size=2, page_token=token)
        labels += [b.label for b in page.items]
        token = page.next_page_token
        if not token:
            break
    assert labels == ["b0", "b1", "b2", "b3", "b4"]

    everything = await manager.list_blocks(TENANT, page_size=100)
    assert len(everything.items) == 6 and everything.next_page_token == ""
    by_label = await manager.list_blocks(TENANT, label="b1")
    assert sorted(b.value for b in by_label.items) == ["1", "standalone"]

    first = await manager.list_blocks(TENANT, agent_id=agent, page_size=2)
    await raises_domain(
        manager.list_blocks(TENANT, page_size=2, page_token=first.next_page_token),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(
        manager.list_blocks(TENANT, agent_id=agent, page_token="bm90IGEgdG9rZW4"),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(manager.list_blocks(TENANT, agent_id=agent_id()), "NOT_FOUND", "AGENT_NOT_FOUND")


async def test_tenants_are_isolated(manager: MemoryManager) -> None:
    agent = agent_id()
    [block] = await manager.create_agent_memory(TENANT, agent, [NewBlock("human", "secret")])
    await raises_domain(
        manager.get_block("other", BlockRef(block_id=block.id)), "NOT_FOUND", "BLOCK_NOT_FOUND"
    )
    await raises_domain(manager.get_agent_memory("other", agent), "NOT_FOUND", "AGENT_NOT_FOUND")
    await raises_domain(
        manager.rethink_block("other", BlockRef(block_id=block.id), "x"), "NOT_FOUND", "BLOCK_NOT_FOUND"
    )
    assert (await manager.list_blocks("other")).items == []
    # The same agent id in another tenant is a different agent.
    await manager.create_agent_memory("other", agent, [NewBlock("human", "theirs")])
    assert (await manager.get_block(TENANT, BlockRef(agent_id=agent, label="human"))).value == "secret"


async def test_create_agent_memory_is_atomic(manager: MemoryManager) -> None:
    agent = agent_id()
    missing = "block-00000000-0000-4000-8000-000000000000"
    await raises_domain(
        manager.create_agent_memory(TENANT, agent, [NewBlock("human", "x")], [missing]),
        "NOT_FOUND",
        "BLOCK_NOT_FOUND",
    )
    await raises_domain(manager.get_agent_memory(TENANT, agent), "NOT_FOUND", "AGENT_NOT_FOUND")
    assert (await manager.list_blocks(TENANT)).items == []  # the new block was rolled back too

    await raises_domain(
        manager.create_agent_memory(TENANT, agent, [NewBlock("a", ""), NewBlock("a", "")]),
        "ALREADY_EXISTS",
        "BLOCK_LABEL_ALREADY_EXISTS",
    )
    assert (await manager.list_blocks(TENANT)).items == []

    blocks = await manager.create_agent_memory(
        TENANT, agent, [NewBlock("persona", "p"), NewBlock("human", "h")]
    )
    assert [b.label for b in blocks] == ["persona", "human"]
    await raises_domain(manager.create_agent_memory(TENANT, agent), "ALREADY_EXISTS", "AGENT_ALREADY_EXISTS")


@pytest.mark.parametrize(
    ("block", "field"),
    [
        (NewBlock("", "x"), "block.label"),
        (NewBlock(" padded", "x"), "block.label"),
        (NewBlock("l" * 33, "x"), "block.label"),
        (NewBlock("a\nb", "x"), "block.label"),
        (NewBlock("ok", "x", limit=-1), "block.limit"),
        (NewBlock("ok", "x", limit=1001), "block.limit"),
        (NewBlock("ok", "x", description="d" * 101), "block.description"),
    ],
)
async def test_create_block_bad_input(manager: MemoryManager, block: NewBlock, field: str) -> None:
    err = await raises_domain(manager.create_block(TENANT, block), "INVALID_ARGUMENT", "INVALID_FIELD")
    assert err.field_violations[0][0] == field
    assert (await manager.list_blocks(TENANT)).items == []


async def test_create_block_value_over_limit(manager: MemoryManager) -> None:
    err = await raises_domain(
        manager.create_block(TENANT, NewBlock("human", "x" * 11, limit=10)),
        "INVALID_ARGUMENT",
        "BLOCK_LIMIT_EXCEEDED",
    )
    assert err.field_violations[0][0] == "block.value"
    # The default limit applies when none is given.
    await raises_domain(
        manager.create_block(TENANT, NewBlock("human", "x" * 201)), "INVALID_ARGUMENT", "BLOCK_LIMIT_EXCEEDED"
    )


async def test_malformed_ids_and_selectors(manager: MemoryManager) -> None:
    await raises_domain(
        manager.get_block(TENANT, BlockRef(block_id="nope")), "INVALID_ARGUMENT", "MALFORMED_ID"
    )
    await raises_domain(
        manager.get_block(TENANT, BlockRef(block_id=agent_id())), "INVALID_ARGUMENT", "MALFORMED_ID"
    )
    await raises_domain(manager.get_block(TENANT, BlockRef()), "INVALID_ARGUMENT", "INVALID_FIELD")
    await raises_domain(
        manager.get_block(TENANT, BlockRef(agent_id=agent_id())), "INVALID_ARGUMENT", "INVALID_FIELD"
    )
    await raises_domain(
        manager.get_block(TENANT, BlockRef(agent_id=agent_id(), label="human")),
        "NOT_FOUND",
        "AGENT_NOT_FOUND",
    )
    await raises_domain(
        manager.attach_block(TENANT, agent_id(), "block-x"), "INVALID_ARGUMENT", "MALFORMED_ID"
    )
    await raises_domain(
        manager.update_block(TENANT, BlockRef(block_id="block-x"), BlockPatch()),
        "INVALID_ARGUMENT",
        "MALFORMED_ID",
    )
    block = await manager.create_block(TENANT, NewBlock("x", ""))
    await raises_domain(
        manager.update_block(TENANT, BlockRef(block_id=block.id), BlockPatch()),
        "INVALID_ARGUMENT",
        "INVALID_FIELD",
    )
    await raises_domain(manager.attach_block(TENANT, agent_id(), block.id), "NOT_FOUND", "AGENT_NOT_FOUND")
