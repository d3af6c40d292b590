"""The orchestrator's storage (agents, tags, steps) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from memvisor_common.db import Database
from memvisor_common.errors import NotFound
from memvisor_common.ids import new_id
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.timeutil import utcnow
from orchestrator_service.domain import AgentConfig, ToolRuleSpec
from orchestrator_service.models import StepRow
from orchestrator_service.store import AgentStore


@pytest.fixture
def store(db_url):
    db = Database(db_url)
    upgrade_to_head(db, "orchestrator_service:migrations", "orchestrator_alembic_version")
    upgrade_to_head(db, "orchestrator_service:migrations", "orchestrator_alembic_version")  # idempotent
    yield AgentStore(db)
    db.dispose()


def make(tenant: str, name: str, tags: list[str], offset: int) -> AgentConfig:
    t = utcnow() + timedelta(seconds=offset)
    return AgentConfig(
        id=new_id("agent"),
        tenant_id=tenant,
        name=name,
        description="",
        system="s",
        model="openai/gpt-4o-mini",
        embedding="local/all-minilm-l6-v2",
        tool_names=["send_message"],
        tool_rules=[ToolRuleSpec(type="exit_loop", tool_name="send_message")],
        tags=tags,
        context_window_limit=8000,
        created_at=t,
        updated_at=t,
    )


async def test_crud_tags_paging_and_tenant_isolation(store: AgentStore):
    a = make("t1", "alpha", ["x", "y"], 0)
    b = make("t1", "beta", ["y"], 1)
    c = make("t2", "alpha", ["x"], 2)
    for agent in (a, b, c):
        await store.insert(agent)
    got = await store.get("t1", a.id)
    assert (got.name, got.tags, got.tool_rules[0].type) == ("alpha", ["x", "y"], "exit_loop")
    with pytest.raises(NotFound):
        await store.get("t2", a.id)  # another tenant's agent does not exist for you

    async def ids(**kw):
        defaults = {"name": "", "tags": [], "match_all_tags": False, "after": None, "limit": 10}
        return [x.id for x in await store.list("t1", **{**defaults, **kw})]

    assert await ids() == [a.id, b.id]
    assert await ids(tags=["y"]) == [a.id, b.id]
    assert await ids(tags=["x", "y"], match_all_tags=True) == [a.id]
    assert await ids(name="alpha") == [a.id]
    assert await ids(after=(a.created_at, a.id)) == [b.id]

    a.name, a.tags = "renamed", ["z"]
    await store.update(a)
    assert (await store.get("t1", a.id)).tags == ["z"]
    assert await ids(tags=["x"]) == []

    await store.record_steps(
        [
            StepRow(
                id=new_id("step"),
                tenant_id="t1",
                agent_id=a.id,
                model="m",
                prompt_tokens=10,
                completion_tokens=2,
                created_at=utcnow(),
            )
        ]
    )
    await store.record_steps([])
    await store.delete("t1", a.id)
    with pytest.raises(NotFound):
        await store.get("t1", a.id)
    with pytest.raises(NotFound):
        await store.delete("t1", a.id)
    assert await ids() == [b.id]
