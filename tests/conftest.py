"""Fixtures shared by every test: databases (SQLite and PostgreSQL) and gRPC hosts on free ports."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from memvisor_common.grpc_host.server import GrpcHost, ServiceComponent
from memvisor_common.settings import ServerSettings

POSTGRES_URL = os.environ.get("MEMVISOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


_PG_OK = _postgres_available()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped after the test."""
    if not _PG_OK:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required on CI but {POSTGRES_URL} is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set MEMVISOR_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Parametrizes a storage test over both supported databases."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def server_settings(tmp_path: Path) -> ServerSettings:
    return ServerSettings(host="127.0.0.1", port=0, data_dir=tmp_path / "data", log_level="WARNING",
                          shutdown_grace_seconds=1)


@pytest.fixture
async def start_host(server_settings: ServerSettings) -> AsyncIterator[Callable[..., object]]:
    """`port = await start_host([component, ...])`: serves components on a free port until the test ends."""
    hosts: list[GrpcHost] = []

    async def start(components: Sequence[ServiceComponent]) -> int:
        host = GrpcHost(components, server_settings)
        hosts.append(host)
        return await host.start()

    yield start
    for host in reversed(hosts):
        await host.stop(grace=0)
