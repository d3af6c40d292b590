"""memvisor_common.db: failures are mapped to the right domain errors."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from memvisor_common.db import Database
from memvisor_common.errors import Conflict, Unavailable


def test_unreachable_database_is_unavailable():
    db = Database("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(Unavailable) as err, db.transaction() as s:
        s.execute(text("SELECT 1"))
    assert err.value.reason == "DATABASE_UNAVAILABLE"


def test_sqlite_runs_in_wal_mode(sqlite_url):
    db = Database(sqlite_url)
    with db.transaction() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.postgres
def test_postgres_deadlock_is_a_retryable_conflict(postgres_url):
    db = Database(postgres_url)
    with db.transaction() as s:
        s.execute(text("CREATE TABLE t (id int primary key, v int)"))
        s.execute(text("INSERT INTO t VALUES (1, 0), (2, 0)"))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(first: int, second: int) -> None:
        try:
            with db.transaction() as s:
                s.execute(text("UPDATE t SET v = v + 1 WHERE id = :i"), {"i": first})
                barrier.wait(5)
                s.execute(text("UPDATE t SET v = v + 1 WHERE id = :i"), {"i": second})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=a) for a in ((1, 2), (2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert errors[0].reason == "TRANSACTION_CONFLICT"
    db.dispose()
