"""Fixtures for memory-service tests: a manager on each database, and a real gRPC server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import grpc
import pytest
from memory_service.component import MIGRATIONS, VERSION_TABLE, MemoryComponent
from memory_service.manager import MemoryManager
from memory_service.settings import MemorySettings
from memvisor.memory.v1.memory_service_pb2_grpc import MemoryServiceStub
from memvisor_common.db import Database
from memvisor_common.migrations import upgrade_to_head
from memvisor_common.settings import ServerSettings

TENANT = "tenant-a"


def small_settings(**overrides: object) -> MemorySettings:
    """Limits small enough that tests can exceed them cheaply."""
    values: dict[str, object] = dict(
        default_block_limit=200,
        max_block_limit=1000,
        max_label_length=32,
        max_description_length=100,
        max_message_chars=500,
        max_messages_per_append=20,
        max_context_messages=50,
        max_summary_chars=200,
        max_query_chars=200,
        max_page_size=100,
    )
    values.update(overrides)
    return MemorySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    upgrade_to_head(db, MIGRATIONS, VERSION_TABLE)
    yield db
    db.dispose()


@pytest.fixture
def manager(database: Database) -> MemoryManager:
    return MemoryManager(database, small_settings())


@pytest.fixture
async def grpc_stub(
    start_host: Callable[..., object], server_settings: ServerSettings
) -> AsyncIterator[Callable[..., object]]:
    """`stub = await grpc_stub(db_url)`: a MemoryService on a real port, over a real channel."""
    channels: list[grpc.aio.Channel] = []

    async def make(db_url: str, settings: MemorySettings | None = None) -> MemoryServiceStub:
        settings = settings or small_settings()
        component = MemoryComponent(server_settings, settings.model_copy(update={"database_url": db_url}))
        port = await start_host([component])  # type: ignore[operator]
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        channels.append(channel)
        return MemoryServiceStub(channel)

    yield make
    for channel in channels:  # before the host stops (this fixture depends on start_host)
        await channel.close()
