"""Embedding providers: OpenAI-compatible endpoint (batched, retried), local fallback, model pinning."""

from __future__ import annotations

import grpc
import numpy as np
from memvisor.archival.v1 import archival_service_pb2 as api

from archival_service.component import ArchivalComponent
from archival_service.embeddings.local_minilm import LocalMiniLMProvider

from .helpers import agent_id, expect_error, stub

SMALL = "openai/text-embedding-3-small"


async def _serve(start_host, server_settings, settings):
    port = await start_host([ArchivalComponent(server_settings, settings)])
    return stub(port)


async def test_openai_endpoint_batched_and_retried(start_host, server_settings, archival_settings, fake_openai) -> None:
    settings = archival_settings(openai_base_url=fake_openai.base_url, openai_api_key="test", openai_batch_size=2)
    channel, client = await _serve(start_host, server_settings, settings)
    agent = agent_id()
    # A model whose dimension is unknown gets probed once.
    archive = (await client.CreateAgentArchive(api.CreateAgentArchiveRequest(
        agent_id=agent, embedding="openai/custom-embedder"))).archive
    assert archive.embedding_dim == 64 and archive.embedding_model == "openai/custom-embedder"
    fake_openai.requests.clear()
    fake_openai.fail_next = [429, 500]
    stored = await client.InsertPassages(api.InsertPassagesRequest(
        agent_id=agent, passages=[api.PassageInput(text=t) for t in ["red apple", "blue sky", "green grass"]]))
    assert len(stored.passages) == 3
    sizes = [len(r["input"]) for r in fake_openai.requests]
    assert sizes == [2, 2, 2, 1]  # two scripted failures retried, then batches of 2
    assert all(r["model"] == "custom-embedder" for r in fake_openai.requests)
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="blue sky"))
    assert res.results[0].passage.text == "blue sky"
    emb = await client.Embed(api.EmbedRequest(embedding="openai/custom-embedder", texts=["a", "b"]))
    assert emb.dimension == 64 and len(emb.embeddings) == 2 and emb.model == "openai/custom-embedder"
    await channel.close()


async def test_openai_endpoint_down_is_unavailable(start_host, server_settings, archival_settings,
                                                   fake_openai) -> None:
    settings = archival_settings(openai_base_url=fake_openai.base_url, openai_max_attempts=2)
    channel, client = await _serve(start_host, server_settings, settings)
    fake_openai.fail_next = [503, 503]
    await expect_error(client.Embed(api.EmbedRequest(embedding=SMALL, texts=["x"])),
                       grpc.StatusCode.UNAVAILABLE, "EMBEDDING_ENDPOINT_UNAVAILABLE")
    fake_openai.fail_next = [400]
    await expect_error(client.Embed(api.EmbedRequest(embedding=SMALL, texts=["x"])),
                       grpc.StatusCode.FAILED_PRECONDITION, "EMBEDDING_REQUEST_REJECTED")
    await channel.close()


async def test_openai_handle_without_endpoint_falls_back_to_local(start_host, server_settings,
                                                                  archival_settings, caplog) -> None:
    settings = archival_settings(default_embedding="local/all-minilm-l6-v2")
    channel, client = await _serve(start_host, server_settings, settings)
    agent = agent_id()
    archive = (await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding=SMALL))).archive
    assert archive.embedding == SMALL
    assert archive.embedding_model == "local/all-minilm-l6-v2" and archive.embedding_dim == 384
    assert any("no OpenAI endpoint configured" in r.getMessage() for r in caplog.records)
    await client.InsertPassages(api.InsertPassagesRequest(agent_id=agent, passages=[
        api.PassageInput(text="Shilpa's loves Hersheys"), api.PassageInput(text="shilpa loves machine learning")]))
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="What chocolates do I like?"))
    assert res.results[0].passage.text == "Shilpa's loves Hersheys"
    await channel.close()


async def test_archive_refuses_a_changed_model(start_host, server_settings, archival_settings, fake_openai) -> None:
    # First served by the local fallback...
    channel, client = await _serve(start_host, server_settings, archival_settings())
    agent = agent_id()
    await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding=SMALL))
    await channel.close()
    # ...then an endpoint appears: the archive must not mix its vectors with the new model's.
    channel, client = await _serve(start_host, server_settings, archival_settings(openai_base_url=fake_openai.base_url))
    await expect_error(client.InsertPassages(api.InsertPassagesRequest(
        agent_id=agent, passages=[api.PassageInput(text="x")])),
        grpc.StatusCode.FAILED_PRECONDITION, "EMBEDDING_MODEL_CHANGED")
    await channel.close()


async def test_no_fallback_when_disabled(start_host, server_settings, archival_settings) -> None:
    channel, client = await _serve(start_host, server_settings, archival_settings(openai_fallback_to_local=False))
    await expect_error(client.CreateSource(api.CreateSourceRequest(name="s", embedding=SMALL)),
                       grpc.StatusCode.FAILED_PRECONDITION, "EMBEDDING_ENDPOINT_NOT_CONFIGURED")
    await channel.close()


async def test_overrides_map_handles(start_host, server_settings, archival_settings) -> None:
    settings = archival_settings(embedding_overrides={"openai/text-embedding-3-large": "local/hash-32"})
    channel, client = await _serve(start_host, server_settings, settings)
    emb = await client.Embed(api.EmbedRequest(embedding="openai/text-embedding-3-large", texts=["x"]))
    assert emb.model == "local/hash-32" and emb.dimension == 32
    await channel.close()


async def test_local_minilm_is_semantic() -> None:
    provider = LocalMiniLMProvider()
    vectors = await provider.embed(["The cat sat on the mat.", "A kitten rests on a rug.", "Stock prices fell."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
