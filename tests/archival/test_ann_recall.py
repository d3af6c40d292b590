"""The approximate (HNSW) index: recall against exact search, tombstoned deletes, compaction, persistence."""

from __future__ import annotations

import json
import time
from pathlib import Path

import faiss
import numpy as np

from archival_service.index.store import IndexStore
from archival_service.index.vector_index import FLAT, HNSW, VectorIndex


def _clustered(n: int, dim: int, clusters: int, spread: float, seed: int) -> np.ndarray:
    """Unit vectors around random centres (as bench/archival/common.py's `clustered`)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    out = centres[rng.integers(0, clusters, n)] + spread * rng.standard_normal((n, dim)).astype(np.float32)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def _recall_at_10(index: VectorIndex, data: np.ndarray, ids: np.ndarray, queries: np.ndarray) -> float:
    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    _, exact = flat.search(queries, 10)
    hits = 0
    for q, row in zip(queries, exact, strict=True):
        _, found = index.search(q, 10)
        hits += len(set(ids[row].tolist()) & set(found.tolist()))
    return hits / (10 * len(queries))


def test_hnsw_recall_at_10_on_clustered_384d() -> None:
    """Default parameters, grown the way the service grows it: exact first, HNSW past the
    threshold, the rest inserted into the graph. Guards the >= 0.95 recall target.

    1,000 sparse clusters with noise dominating (15 points each): nearly as hard as the 1M
    benchmark set, unlike a few dense clusters where any setting scores ~1.0. Measured: 0.955 at
    efSearch 96, 0.966 at 128, so this fails if the search effort regresses far."""
    n = 15_000
    vectors = _clustered(n + 300, 384, clusters=1_000, spread=2.0, seed=3)
    data, queries = vectors[:n], vectors[n:]
    ids = np.arange(10, n + 10, dtype=np.int64)  # ids are not positions
    index = VectorIndex(384, approximate_threshold=5_000)
    for start in range(0, n, 2_500):
        index.add(ids[start : start + 2_500], data[start : start + 2_500])
    assert index.kind == HNSW and index.ntotal == n
    assert _recall_at_10(index, data, ids, queries) >= 0.95


def _small_hnsw(n: int = 3_000, dim: int = 32, **kwargs) -> tuple[VectorIndex, np.ndarray]:
    vectors = _clustered(n, dim, clusters=30, spread=0.3, seed=1)
    index = VectorIndex(dim, approximate_threshold=1_000, **kwargs)
    index.add(np.arange(n, dtype=np.int64), vectors)
    assert index.kind == HNSW
    return index, vectors


def test_tombstoned_ids_never_come_back() -> None:
    index, vectors = _small_hnsw(background_compaction=False)
    rng = np.random.default_rng(5)
    deleted = rng.choice(3_000, 400, replace=False)  # 13%: below the compaction threshold
    assert index.remove(deleted) == 400
    assert index.remove(deleted[:10]) == 0  # already gone
    assert index.tombstones == 400 and index.ntotal == 2_600
    assert set(index.ids().tolist()) == set(range(3_000)) - set(deleted.tolist())
    dead = set(deleted.tolist())
    for q in range(0, 3_000, 7):  # the deleted vectors themselves included as queries
        _, found = index.search(vectors[q], 50)
        assert len(found) == 50 and not dead & set(found.tolist())
    # A filtered search cannot resurrect them either, and finds the live allowed ids exactly.
    live = sorted(set(range(3_000)) - dead)[:2]
    _, found = index.search(vectors[deleted[0]], 10, allowed=np.array([deleted[0], deleted[1], *live]))
    assert sorted(found.tolist()) == live
    # A large k (a filtered search over-fetches k * 20) returns no dead id either.
    _, found = index.search(vectors[0], 2_000)
    assert len(found) >= 1_900 and not dead & set(found.tolist())


def test_removed_then_readded_id_is_live_once() -> None:
    """SQLite may reuse a deleted row id: the new entry is found, the old node stays dead."""
    index, vectors = _small_hnsw(background_compaction=False)
    index.remove(np.array([42], dtype=np.int64))
    fresh = vectors[1_500]  # 42 comes back with another vector
    index.add(np.array([42], dtype=np.int64), fresh[None, :])
    assert index.ntotal == 3_000 and sorted(index.ids().tolist()) == list(range(3_000))
    scores, found = index.search(fresh, 3)
    assert 42 in found.tolist()
    _, found = index.search(vectors[42], 3_000)
    assert found.tolist().count(42) == 1


def test_compaction_drops_tombstones_and_replays_concurrent_changes() -> None:
    index, vectors = _small_hnsw(background_compaction=False)
    extra = _clustered(50, 32, clusters=30, spread=0.3, seed=9)
    build = index._new_hnsw

    def build_while_writers_run(ids, vecs):
        new = build(ids, vecs)
        # Meanwhile (the lock is free during the build): one add, one remove, one re-add.
        index.add(np.arange(10_000, 10_050, dtype=np.int64), extra)
        index.remove(np.array([0, 10_001], dtype=np.int64))
        index.add(np.array([0], dtype=np.int64), vectors[:1])
        return new

    deleted = np.arange(100, 800, dtype=np.int64)  # 700 of 3,000: past 20%, but at least 1,000 needed
    index.remove(deleted)
    assert index.tombstones == 700
    index._new_hnsw = build_while_writers_run
    index.compact()
    index._new_hnsw = build
    expected = (set(range(3_000)) - set(deleted.tolist())) | set(range(10_000, 10_050))
    expected.discard(10_001)
    assert set(index.ids().tolist()) == expected and index.ntotal == len(expected)
    # The old node of 0 (re-added as a new entry); 10_001 came and went during the build, so it
    # was never copied into the new graph.
    assert index.tombstones == 1
    assert index.raw.ntotal == len(expected) + 1
    for q in (0, 150, 10_001, 10_002):
        _, found = index.search(extra[q - 10_000] if q >= 10_000 else vectors[q], 20)
        assert not {10_001, *deleted.tolist()} & set(found.tolist())
    _, found = index.search(vectors[0], 1)
    assert found.tolist() == [0]


def test_enough_removals_compact_in_the_background() -> None:
    index, _ = _small_hnsw(n=6_000)
    index.remove(np.arange(0, 1_300, dtype=np.int64))  # >= 1,000 and >= 20%
    for _ in range(600):
        if index._compactions:
            break
        time.sleep(0.05)
    assert index._compactions == 1 and index.tombstones == 0 and index.raw.ntotal == 4_700


def test_tombstones_survive_save_and_load(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, approximate_threshold=1_000)
    index = store.get("arch", 32)
    vectors = _clustered(2_000, 32, clusters=20, spread=0.3, seed=2)
    index.add(np.arange(2_000, dtype=np.int64), vectors)
    index.remove(np.arange(0, 50, dtype=np.int64))
    store.save("arch")
    assert json.loads((tmp_path / "arch.json").read_text())["tombstones"] == 50
    again = IndexStore(tmp_path, approximate_threshold=1_000).get("arch", 32)
    assert again.kind == HNSW and again.tombstones == 50
    assert sorted(again.ids().tolist()) == list(range(50, 2_000))
    _, found = again.search(vectors[3], 10)
    assert len(found) == 10 and min(found) >= 50


def test_ivf_index_file_is_rebuilt_from_sql(tmp_path: Path) -> None:
    """An IVF index saved before HNSW is not served: reconciliation rebuilds it from SQL."""
    vectors = _clustered(1_200, 32, clusters=10, spread=0.3, seed=4)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(32), 32, 8, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    ivf.add_with_ids(vectors, np.arange(1_200, dtype=np.int64))
    faiss.write_index(ivf, str(tmp_path / "arch.faiss"))
    (tmp_path / "arch.json").write_text(json.dumps({"dim": 32, "model": "", "kind": "ivf"}))
    store = IndexStore(tmp_path, approximate_threshold=5_000, nprobe=48)

    def load(missing):
        yield np.array(missing, dtype=np.int64), vectors[missing]

    assert store.reconcile("arch", 32, "", np.arange(1_200, dtype=np.int64), load) == (1_200, 0)
    index = store.get("arch", 32)
    assert index.kind == FLAT and sorted(index.ids().tolist()) == list(range(1_200))
