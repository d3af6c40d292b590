"""GetArchivalStats (read on every agent step): its counts and tags, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from archival_service.manager import PassageInput
from archival_service.source_manager import UploadHeader
from memvisor.archival.v1 import archival_service_pb2 as api

from .helpers import agent_id

TENANT = "default"  # what the stub's requests carry


async def _stats(client, agent: str) -> tuple[int, int, list[str]]:
    s = await client.GetArchivalStats(api.GetArchivalStatsRequest(agent_id=agent))
    return s.passage_count, s.source_passage_count, list(s.tags)


async def _source_with_passages(component, name: str) -> tuple[str, int]:
    source = await component.sources.create_source(TENANT, name)

    async def chunks():
        yield ("the vacation policy grants twenty days " * 300).encode()

    _, job = await component.sources.upload(
        TENANT, UploadHeader(source_id=source.source.id, file_name="policy.txt", content_type="text/plain"), chunks())
    for _ in range(600):
        job = await component.sources.get_job(TENANT, job.id)
        if job.status in ("completed", "failed"):
            break
        await asyncio.sleep(0.05)
    assert job.status == "completed", job.failure_reason
    assert job.total_chunks > 1
    return source.source.id, job.total_chunks


async def test_stats_count_own_and_source_passages_per_tenant_and_agent(archival) -> None:
    client, component = archival
    agent, other = agent_id(), agent_id()
    assert await _stats(client, agent) == (0, 0, [])  # no archive yet

    await component.archives.create_agent_archive(TENANT, agent, "")
    assert await _stats(client, agent) == (0, 0, [])  # an empty archive

    await component.archives.insert(TENANT, agent, [
        PassageInput(text=f"fact {i}", tags=[f"t{i % 3}", "shared"]) for i in range(7)])
    await component.archives.insert(TENANT, other, [PassageInput(text="not yours", tags=["other"])])
    await component.archives.insert("tenant-b", agent, [PassageInput(text="other tenant", tags=["zz"])])
    assert await _stats(client, agent) == (7, 0, ["shared", "t0", "t1", "t2"])
    assert await _stats(client, other) == (1, 0, ["other"])
    assert (await component.archives.stats("tenant-b", agent)).passage_count == 1

    source_id, chunks = await _source_with_passages(component, "handbook")
    empty_source = await component.sources.create_source(TENANT, "empty")
    await component.sources.attach(TENANT, agent, source_id)
    await component.sources.attach(TENANT, agent, empty_source.source.id)
    await component.sources.attach(TENANT, other, source_id)
    assert await _stats(client, agent) == (7, chunks, ["shared", "t0", "t1", "t2"])
    assert await _stats(client, other) == (1, chunks, ["other"])
    # Attached in another tenant: not this tenant's source.
    assert (await component.archives.stats("tenant-b", agent)).source_passage_count == 0
    only_sources = agent_id()
    await component.sources.attach(TENANT, only_sources, source_id)
    assert await _stats(client, only_sources) == (0, chunks, [])

    await component.sources.detach(TENANT, agent, source_id)
    assert await _stats(client, agent) == (7, 0, ["shared", "t0", "t1", "t2"])


async def test_stats_tags_are_sorted_distinct_and_capped_at_200(archival) -> None:
    client, component = archival
    agent = agent_id()
    await component.archives.insert(TENANT, agent, [
        PassageInput(text=f"p{i}", tags=[f"tag{i:03d}", "common"]) for i in reversed(range(250))])
    count, from_sources, tags = await _stats(client, agent)
    assert (count, from_sources) == (250, 0)
    assert tags == sorted({"common", *(f"tag{i:03d}" for i in range(250))})[:200]
