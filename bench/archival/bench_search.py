"""Search latency and approximate-index recall of the archival-service.

  python bench/archival/bench_search.py            # 1k and 100k passages
  python bench/archival/bench_search.py --million  # also 1M (needs ~3 GB RAM, several minutes)

Passages are 384-dim clustered synthetic vectors (InstantProvider: no model time), stored in
SQLite through the service's own store, indexed the way the service indexes them (exact below
`approximate_threshold`, IVF above). "service" latency is ArchiveManager.search end to end
(SQL lookups + FAISS + reading the hits back from SQL); "index" is the FAISS search alone.
Recall@10 compares the service's index against exact search over the same vectors.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from common import DIM, InstantProvider, clustered, make_component, percentiles  # noqa: E402

from archival_service import store  # noqa: E402
from archival_service.manager import SearchFilter  # noqa: E402

AGENT = "agent-00000000-0000-4000-8000-0000000000aa"


class QueryProvider(InstantProvider):
    """Hands out prepared query vectors in order."""

    def __init__(self, queries: np.ndarray) -> None:
        super().__init__()
        self.queries = queries
        self.i = 0

    async def embed(self, texts):
        out = self.queries[self.i % len(self.queries)][None, :]
        self.i += 1
        return out


async def bench(n: int, queries: int, nprobes: list[int]) -> None:
    vectors = clustered(n + queries, seed=n)
    data, qs = vectors[:n], vectors[n:]
    component, tmp = make_component("local/hash-384")
    component.embeddings._providers["local/hash-384"] = QueryProvider(qs)
    await component.start()
    archive = await component.archives.create_agent_archive("default", AGENT, "local/hash-384")
    t = time.perf_counter()
    now = datetime.now(UTC)
    for start in range(0, n, 10_000):
        part = data[start : start + 10_000]
        new = [store.NewPassage(id=f"passage-bench-{start + i}", text=f"passage {start + i}", tags=[], metadata={},
                                create_time=now, client_id=None, chunk_index=0, embedding=v)
               for i, v in enumerate(part)]
        rows = await component.db.run(lambda s, new=new: store.insert_passages(s, "default", archive.id, new))
        await component.archives.index_add_async(archive, rows)
    load_s = time.perf_counter() - t
    index = component.indexes.get(archive.id, DIM)
    print(f"\n== {n:,} passages ({index.kind} index; loaded in {load_s:.1f} s incl. SQL + index build) ==")

    for _ in range(20):  # warm-up
        await component.archives.search("default", AGENT, "q", 10, SearchFilter())
    samples = []
    for _ in range(queries):
        t = time.perf_counter()
        await component.archives.search("default", AGENT, "q", 10, SearchFilter())
        samples.append((time.perf_counter() - t) * 1000)
    print(f"service search top-10: {percentiles(samples)}")
    samples = []
    for q in qs:
        t = time.perf_counter()
        index.search(q, 10)
        samples.append((time.perf_counter() - t) * 1000)
    print(f"index search top-10:   {percentiles(samples)}")

    if index.kind == "ivf":
        print("recall@10 of the IVF index vs exact search (clustered vectors):")
        recall_sweep(index, data, qs, nprobes, default=component.settings.ivf_nprobe)
    await component.close()
    shutil.rmtree(tmp, ignore_errors=True)


def exact_topk(data: np.ndarray, qs: np.ndarray) -> np.ndarray:
    import faiss

    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    _, ids = flat.search(qs, 10)
    return ids


def recall_sweep(index, data: np.ndarray, qs: np.ndarray, nprobes: list[int], default: int, offset: int = 1) -> None:
    """Recall@10 and index latency per nprobe; `offset` maps data positions to index ids."""
    exact = exact_topk(data, qs) + offset
    for nprobe in nprobes:
        index.nprobe = nprobe
        hits, samples = 0.0, []
        for qi, q in enumerate(qs):
            t = time.perf_counter()
            _, found = index.search(q, 10)
            samples.append((time.perf_counter() - t) * 1000)
            hits += len(set(exact[qi].tolist()) & set(found.tolist())) / 10
        mark = "  <- default" if nprobe == default else ""
        print(f"  nprobe {nprobe:>3}: recall@10 {hits / len(qs):.3f}   index {percentiles(samples)}{mark}")
    index.nprobe = default


def uniform_worst_case(n: int, queries: int, nprobes: list[int], default: int) -> None:
    """Uniformly random unit vectors have no clusters: the hardest case for IVF."""
    from archival_service.embeddings.base import normalize
    from archival_service.index.vector_index import VectorIndex

    rng = np.random.default_rng(7)
    data = normalize(rng.standard_normal((n + queries, DIM)).astype(np.float32))
    data, qs = data[:n], data[n:]
    index = VectorIndex(DIM, approximate_threshold=50_000, nprobe=default)
    index.add(np.arange(n, dtype=np.int64), data)
    print(f"\n== worst case: {n:,} uniformly random vectors ({index.kind}) ==")
    recall_sweep(index, data, qs, nprobes, default=default, offset=0)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 passages")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    sizes = [1_000, 100_000] + ([1_000_000] if args.million else [])
    nprobes = [8, 16, 32, 48, 64, 128]
    for n in sizes:
        await bench(n, args.queries, nprobes)
    uniform_worst_case(100_000, args.queries, nprobes, default=48)


if __name__ == "__main__":
    asyncio.run(main())
