"""Database engine and transactions: SQLite (WAL) embedded by default, PostgreSQL from a URL.

Repositories are plain synchronous SQLAlchemy code; `Database.run` decides where it executes.
SQLite calls take microseconds, so they run inline on the event loop (a thread hop would cost
more than the query, and inline calls never interleave, so one process never contends for
the write lock). PostgreSQL calls cross the network and run in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from memvisor_common.errors import Conflict, Unavailable

# PostgreSQL's "try again" errors: serialization failure and deadlock (SQLSTATE 40001, 40P01).
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

T = TypeVar("T")


def _normalize_url(url: str) -> str:
    parsed = make_url(url)
    # Plain "postgresql://" means psycopg 3 here (the driver we ship), not psycopg2.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One engine per service; every unit of work is one transaction."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "NORMAL") -> None:
        self.url = _normalize_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine: Engine = create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            self._install_sqlite_pragmas(sqlite_synchronous)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=10, max_overflow=10)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _install_sqlite_pragmas(self, synchronous: str) -> None:
        @event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are unreliable).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a process crash (kill -9); only an OS crash or
            # power loss can drop the last commits. FULL trades latency for that too.
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(self.engine, "begin")
        def _on_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front, so read-then-write transactions from
            # other processes wait instead of failing with SQLITE_BUSY mid-transaction.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
                raise Conflict(
                    "a concurrent transaction conflicted; retry", reason="TRANSACTION_CONFLICT"
                ) from exc
            raise Unavailable("database is not reachable", reason="DATABASE_UNAVAILABLE") from exc

    def _run(self, fn: Callable[[Session], T]) -> T:
        with self.transaction() as session:
            return fn(session)

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Runs `fn(session)` in one transaction without blocking the loop on network I/O."""
        if self.is_sqlite:
            return self._run(fn)
        return await asyncio.to_thread(self._run, fn)

    def dispose(self) -> None:
        self.engine.dispose()
