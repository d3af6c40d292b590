"""Restart persistence and crash recovery: after any crash, search answers exactly the SQL truth."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from memvisor.archival.v1 import archival_service_pb2 as api
from sqlalchemy import create_engine, text

from archival_service.component import ArchivalComponent
from archival_service.manager import PassageInput, SearchFilter

from .helpers import agent_id


async def _kill(component: ArchivalComponent) -> None:
    """Stops a component the way a crash would: no index save, no job shutdown."""
    if component._flusher is not None:
        component._flusher.cancel()
    component.db.dispose()


def _index_ids(component: ArchivalComponent, archive_id: str) -> set[int]:
    archive = component.indexes._indexes[archive_id]
    return set(archive.ids().tolist())


async def test_restart_keeps_passages_and_index(start_host, server_settings, archival_settings) -> None:
    settings = archival_settings()
    agent = agent_id()
    first = ArchivalComponent(server_settings, settings)
    await first.start()
    rows = await first.archives.insert("default", agent, [PassageInput(text=f"memory number {i}") for i in range(20)])
    await first.close()
    index_files = list(Path(settings.index_dir).glob("*.faiss"))
    assert len(index_files) == 1

    second = ArchivalComponent(server_settings, settings)
    port = await start_host([second])
    from .helpers import stub

    channel, client = stub(port)
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="memory number 7", top_k=3))
    assert res.results[0].passage.id == rows[7].id
    await channel.close()


async def test_crash_between_sql_and_index(server_settings, archival_settings, db_url: str) -> None:
    settings = archival_settings()
    agent = agent_id()
    a = ArchivalComponent(server_settings, settings)
    await a.start()
    base = await a.archives.insert("default", agent, [PassageInput(text=f"fact {i} about boats") for i in range(5)])
    await a.close()  # index saved with base

    # A process writes SQL, then dies before its index reaches disk.
    b = ArchivalComponent(server_settings, settings)
    await b.start()
    late = await b.archives.insert("default", agent, [PassageInput(text="late fact about boats")])
    await _kill(b)
    # And a row vanishes from SQL while the saved index still holds its id.
    engine = create_engine(db_url.replace("postgresql+psycopg", "postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM archival_passage_tags WHERE passage_row_id IN "
                          "(SELECT row_id FROM archival_passages WHERE id = :id)"), {"id": base[0].id})
        conn.execute(text("DELETE FROM archival_passages WHERE id = :id"), {"id": base[0].id})
    engine.dispose()

    c = ArchivalComponent(server_settings, settings)
    await c.start()
    hits = await c.archives.search("default", agent, "boats", 100, SearchFilter())
    expected = {p.id for p in base[1:]} | {late[0].id}
    assert sorted(h.passage.id for h in hits) == sorted(expected)  # none lost, none duplicated, no ghost
    archive_id = base[1].archive_id
    sql_row_ids = {r.row_id for r in base[1:]} | {late[0].row_id}
    assert _index_ids(c, archive_id) == sql_row_ids
    await c.close()


async def test_damaged_index_file_is_rebuilt(server_settings, archival_settings) -> None:
    settings = archival_settings()
    agent = agent_id()
    a = ArchivalComponent(server_settings, settings)
    await a.start()
    rows = await a.archives.insert("default", agent, [PassageInput(text=f"item {i}") for i in range(3)])
    await a.close()
    for path in Path(settings.index_dir).glob("*.faiss"):
        path.write_bytes(b"garbage")
    b = ArchivalComponent(server_settings, settings)
    await b.start()
    hits = await b.archives.search("default", agent, "item", 10, SearchFilter())
    assert sorted(h.passage.id for h in hits) == sorted(r.id for r in rows)
    await b.close()


CHILD = textwrap.dedent("""
    import asyncio, sys
    from archival_service.component import ArchivalComponent
    from archival_service.settings import ArchivalSettings
    from archival_service.manager import PassageInput
    from memvisor_common.settings import ServerSettings

    async def main():
        c = ArchivalComponent(ServerSettings(data_dir=sys.argv[1]),
                              ArchivalSettings(default_embedding="local/hash-64", index_flush_seconds=3600))
        await c.start()
        await c.archives.insert("default", sys.argv[2], [PassageInput(text=f"crash note {i}") for i in range(50)])
        print("inserted", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
""")


async def test_kill_9_after_sql_write(tmp_path: Path) -> None:
    """A real process killed with SIGKILL after its SQL commit, before any index save."""
    from memvisor_common.settings import ServerSettings

    from archival_service.settings import ArchivalSettings

    data = tmp_path / "crash"
    agent = agent_id()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data), agent], stdout=subprocess.PIPE, env=env)
    try:
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 60)
        assert line.strip() == b"inserted"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    component = ArchivalComponent(ServerSettings(data_dir=data),
                                  ArchivalSettings(default_embedding="local/hash-64"))
    await component.start()
    hits = await component.archives.search("default", agent, "crash note", 100, SearchFilter())
    assert len(hits) == 50 and len({h.passage.id for h in hits}) == 50
    await component.close()


def test_vector_index_grows_to_hnsw_and_keeps_recall() -> None:
    from archival_service.index.vector_index import HNSW, VectorIndex

    rng = np.random.default_rng(1)
    # Clustered, like real embeddings (uniform random vectors are any ANN index's worst case).
    centers = rng.standard_normal((40, 32))
    vectors = (centers[rng.integers(0, 40, 5000)] + 0.35 * rng.standard_normal((5000, 32))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(32, approximate_threshold=1000)
    index.add(np.arange(1000, dtype=np.int64), vectors[:1000])
    assert index.kind == HNSW and index.trained_size == 1000  # rebuilt once, at the threshold
    assert index.would_grow(1)  # inserting into the graph is slow: callers move it off the loop
    index.add(np.arange(1000, 5000, dtype=np.int64), vectors[1000:])  # inserted into the graph
    assert index.ntotal == 5000 and index.trained_size == 1000
    assert sorted(index.ids().tolist()) == list(range(5000))
    assert index.remove(np.array([5], dtype=np.int64)) == 1
    assert index.ntotal == 4999 and 5 not in index.ids().tolist()
    hits = 0
    for q in range(50):
        exact = set(np.argsort(-(vectors @ vectors[q]))[:10].tolist()) - {5}
        _, found = index.search(vectors[q], 10)
        assert 5 not in found.tolist()
        hits += len(exact & set(found.tolist())) / len(exact)
    assert hits / 50 >= 0.95
