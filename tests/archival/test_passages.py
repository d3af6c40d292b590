"""Passages through a real gRPC server: insert, search, list, delete, filters, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from memvisor.archival.v1 import archival_service_pb2 as api

from .helpers import agent_id, expect_error


def ts(year: int, month: int = 1, day: int = 1) -> Timestamp:
    t = Timestamp()
    t.FromDatetime(datetime(year, month, day, tzinfo=UTC))
    return t


async def _insert(client, agent: str, *items: api.PassageInput) -> list:
    return list((await client.InsertPassages(api.InsertPassagesRequest(agent_id=agent, passages=list(items)))).passages)


async def test_insert_search_list_delete(archival) -> None:
    client, _ = archival
    agent = agent_id()
    archive = (await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent))).archive
    assert archive.embedding == "local/hash-128" and archive.embedding_dim == 128
    stored = await _insert(client, agent, api.PassageInput(text="shilpa loves machine learning", tags=["likes"]),
                           api.PassageInput(text="Shilpa's loves Hersheys chocolate", tags=["food", "likes"]))
    assert [p.text for p in stored] == ["shilpa loves machine learning", "Shilpa's loves Hersheys chocolate"]
    assert all(p.id.startswith("passage-") and p.archive_id == archive.id for p in stored)

    found = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="hersheys chocolate"))
    assert found.results[0].passage.id == stored[1].id
    assert found.results[0].score > found.results[1].score

    listed = await client.ListPassages(api.ListPassagesRequest(agent_id=agent, page_size=1))
    assert [p.id for p in listed.passages] == [stored[0].id] and listed.next_page_token
    page2 = await client.ListPassages(api.ListPassagesRequest(agent_id=agent, page_size=1,
                                                              page_token=listed.next_page_token))
    assert [p.id for p in page2.passages] == [stored[1].id] and not page2.next_page_token

    stats = await client.GetArchivalStats(api.GetArchivalStatsRequest(agent_id=agent))
    assert stats.passage_count == 2 and list(stats.tags) == ["food", "likes"]

    await client.DeletePassage(api.DeletePassageRequest(passage_id=stored[1].id))
    found = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="hersheys chocolate"))
    assert [r.passage.id for r in found.results] == [stored[0].id]
    await expect_error(client.DeletePassage(api.DeletePassageRequest(passage_id=stored[1].id)),
                       grpc.StatusCode.NOT_FOUND, "PASSAGE_NOT_FOUND")


async def test_tags_any_all_and_time_range(archival) -> None:
    client, _ = archival
    agent = agent_id()
    await _insert(client, agent,
                  api.PassageInput(text="note alpha", tags=["a"], create_time=ts(2020)),
                  api.PassageInput(text="note beta", tags=["a", "b"], create_time=ts(2021)),
                  api.PassageInput(text="note gamma", tags=["b"], create_time=ts(2022)),
                  api.PassageInput(text="note delta", create_time=ts(2023)))

    async def texts(**kw) -> set[str]:
        res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="note", top_k=10, **kw))
        return {r.passage.text for r in res.results}

    assert await texts() == {"note alpha", "note beta", "note gamma", "note delta"}
    assert await texts(tags=["a", "b"]) == {"note alpha", "note beta", "note gamma"}
    assert await texts(tags=["a", "b"], tag_match_mode=api.TAG_MATCH_MODE_ALL) == {"note beta"}
    assert await texts(tags=["missing"]) == set()
    assert await texts(start_time=ts(2021), end_time=ts(2022)) == {"note beta", "note gamma"}
    assert await texts(start_time=ts(2022), tags=["b"]) == {"note gamma"}
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="note", top_k=2))
    assert len(res.results) == 2
    listed = await client.ListPassages(api.ListPassagesRequest(agent_id=agent))
    assert listed.passages[0].create_time.ToDatetime().year == 2020


async def test_idempotent_client_id(archival) -> None:
    client, _ = archival
    agent = agent_id()
    first = await _insert(client, agent, api.PassageInput(text="remember the milk", client_id="k1"))
    again = await _insert(client, agent, api.PassageInput(text="remember the milk", client_id="k1"),
                          api.PassageInput(text="and the eggs", client_id="k2"),
                          api.PassageInput(text="and the eggs", client_id="k2"))
    assert again[0].id == first[0].id
    assert len(again) == 2
    listed = await client.ListPassages(api.ListPassagesRequest(agent_id=agent))
    assert len(listed.passages) == 2


async def test_long_text_is_chunked_with_overlap(archival) -> None:
    client, _ = archival
    agent = agent_id()
    await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding="local/all-minilm-l6-v2"))
    sentences = [f"Fact number {i} says the {w} is important." for i, w in enumerate(["sky"] * 60 + ["harbour"])]
    stored = await _insert(client, agent, api.PassageInput(text=" ".join(sentences), tags=["long"], client_id="doc"))
    assert len(stored) >= 2
    assert all(len(p.text.split()) <= 180 for p in stored)
    # Consecutive chunks share their boundary sentence(s).
    assert stored[0].text.split(". ")[-1].rstrip(".") in stored[1].text
    assert all(list(p.tags) == ["long"] for p in stored)
    again = await _insert(client, agent, api.PassageInput(text=" ".join(sentences), client_id="doc"))
    assert [p.id for p in again] == [p.id for p in stored]


async def test_embedding_is_fixed_per_archive(archival) -> None:
    client, _ = archival
    agent = agent_id()
    await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding="local/hash-64"))
    same = await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding="local/hash-64"))
    assert same.archive.embedding_dim == 64
    await expect_error(client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent,
                                                                               embedding="local/hash-32")),
                       grpc.StatusCode.FAILED_PRECONDITION, "EMBEDDING_MISMATCH")


async def test_bad_arguments(archival) -> None:
    client, _ = archival
    agent = agent_id()
    bad = grpc.StatusCode.INVALID_ARGUMENT
    await expect_error(client.InsertPassages(api.InsertPassagesRequest(agent_id=agent)), bad, "INVALID_FIELD")
    await expect_error(client.InsertPassages(api.InsertPassagesRequest(
        agent_id=agent, passages=[api.PassageInput(text="  ")])), bad, "INVALID_FIELD")
    await expect_error(client.InsertPassages(api.InsertPassagesRequest(
        agent_id="nope", passages=[api.PassageInput(text="x")])), bad, "MALFORMED_ID")
    await expect_error(client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="")), bad)
    await expect_error(client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="q", top_k=-1)), bad)
    await expect_error(client.SearchPassages(api.SearchPassagesRequest(
        agent_id=agent, query="q", start_time=ts(2022), end_time=ts(2021))), bad)
    await expect_error(client.ListPassages(api.ListPassagesRequest(agent_id=agent, page_token="garbage!")), bad)
    await expect_error(client.DeletePassage(api.DeletePassageRequest(passage_id="passage-1")), bad, "MALFORMED_ID")
    await expect_error(client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent,
                                                                               embedding="acme/foo")),
                       bad, "UNKNOWN_EMBEDDING_MODEL")
    await expect_error(client.Embed(api.EmbedRequest()), bad)
    # An agent with nothing yet: empty results, zero stats.
    other = agent_id()
    assert not (await client.SearchPassages(api.SearchPassagesRequest(agent_id=other, query="q"))).results
    assert (await client.GetArchivalStats(api.GetArchivalStatsRequest(agent_id=other))).passage_count == 0


async def test_tenants_are_isolated(archival) -> None:
    client, _ = archival
    agent = agent_id()
    mine = await _insert(client, agent, api.PassageInput(text="tenant secret"))
    other = (("x-memvisor-tenant", "other"),)
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="tenant secret"), metadata=other)
    assert not res.results
    await expect_error(client.DeletePassage(api.DeletePassageRequest(passage_id=mine[0].id), metadata=other),
                       grpc.StatusCode.NOT_FOUND)


async def test_delete_agent_archival(archival) -> None:
    client, _ = archival
    agent = agent_id()
    await _insert(client, agent, api.PassageInput(text="to be forgotten"))
    await client.DeleteAgentArchival(api.DeleteAgentArchivalRequest(agent_id=agent))
    assert not (await client.ListPassages(api.ListPassagesRequest(agent_id=agent))).passages
    assert not (await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="forgotten"))).results
