"""Fixtures of the archival tests: a running archival-service and its stub."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from archival_service.component import ArchivalComponent
from archival_service.settings import ArchivalSettings
from memvisor_common.settings import ServerSettings

from .fake_openai import FakeEmbeddingServer
from .helpers import stub

# Fast lexical vectors keep most tests quick; tests about meaning use the real MiniLM.
HASH = "local/hash-128"


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests decide explicitly whether an OpenAI endpoint exists.
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def archival_settings(db_url: str, tmp_path: Path) -> Callable[..., ArchivalSettings]:
    def make(**overrides: object) -> ArchivalSettings:
        values: dict[str, object] = {"database_url": db_url, "index_dir": tmp_path / "index",
                                     "upload_dir": tmp_path / "uploads", "default_embedding": HASH,
                                     "index_flush_seconds": 0.2}
        values.update(overrides)
        return ArchivalSettings(**values)

    return make


@pytest.fixture
async def archival(start_host, server_settings: ServerSettings, archival_settings) -> AsyncIterator:
    """(stub, component) of a served archival-service with default settings."""
    component = ArchivalComponent(server_settings, archival_settings())
    port = await start_host([component])
    channel, client = stub(port)
    yield client, component
    await channel.close()


@pytest.fixture
def fake_openai() -> Iterator[FakeEmbeddingServer]:
    with FakeEmbeddingServer(dim=64) as server:
        yield server
