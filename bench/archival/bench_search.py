"""Search latency and approximate-index recall of the archival-service.

  python bench/archival/bench_search.py            # 1k and 100k passages
  python bench/archival/bench_search.py --million  # also 1M (~4 GB RAM, 20+ minutes on 2 cores)
  python bench/archival/bench_search.py --sizes 1000000 --no-uniform   # just 1M

Passages are 384-dim clustered synthetic vectors (InstantProvider: no model time), stored in
SQLite through the service's own store, indexed the way the service indexes them (exact below
`approximate_threshold`, HNSW above, later batches inserted into the graph). "service" latency
is ArchiveManager.search end to end (SQL lookups + FAISS + reading the hits back from SQL);
"index" is the FAISS search alone. Recall@10 compares the service's index against exact search
over the same vectors, swept over efSearch. Real-embedding recall: bench_recall_minilm.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
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


def rss_gb() -> str:
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    return f"RSS {current:.2f} GB (peak {peak:.2f} GB)"


async def bench(n: int, queries: int, efs: list[int]) -> None:
    vectors = clustered(n + queries, seed=n)
    data, qs = vectors[:n], vectors[n:]
    component, tmp = make_component("local/hash-384")
    component.embeddings._providers["local/hash-384"] = QueryProvider(qs)
    await component.start()
    archive = await component.archives.create_agent_archive("default", AGENT, "local/hash-384")
    t = time.perf_counter()
    index_s = 0.0
    now = datetime.now(UTC)
    for start in range(0, n, 10_000):
        part = data[start : start + 10_000]
        new = [store.NewPassage(id=f"passage-bench-{start + i}", text=f"passage {start + i}", tags=[], metadata={},
                                create_time=now, client_id=None, chunk_index=0, embedding=v)
               for i, v in enumerate(part)]
        rows = await component.db.run(lambda s, new=new: store.insert_passages(s, "default", archive.id, new))
        ti = time.perf_counter()
        await component.archives.index_add_async(archive, rows)
        index_s += time.perf_counter() - ti
    load_s = time.perf_counter() - t
    index = component.indexes.get(archive.id, DIM)
    print(f"\n== {n:,} passages ({index.kind} index) ==")
    print(f"load: {load_s:.1f} s in all ({n / load_s:,.0f} passages/s), of which index build/insert "
          f"{index_s:.1f} s ({n / index_s:,.0f} vectors/s); {rss_gb()}")
    t = time.perf_counter()
    component.indexes.save(archive.id)
    size = sum(p.stat().st_size for p in component.indexes.directory.glob(f"{archive.id}.faiss"))
    print(f"index file: {size / 1e9:.2f} GB, saved in {time.perf_counter() - t:.1f} s")

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

    if index.kind == "hnsw":
        print("recall@10 of the HNSW index vs exact search (clustered vectors):")
        recall_sweep(index, data, qs, efs)
    await component.close()
    shutil.rmtree(tmp, ignore_errors=True)


def exact_topk(data: np.ndarray, qs: np.ndarray) -> np.ndarray:
    import faiss

    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    _, ids = flat.search(qs, 10)
    return ids


def recall_sweep(index, data: np.ndarray, qs: np.ndarray, efs: list[int], offset: int = 1) -> None:
    """Recall@10 and index latency per efSearch; `offset` maps data positions to index ids."""
    exact = exact_topk(data, qs) + offset
    default = index.ef_search
    for ef in efs:
        index.ef_search = ef
        hits, samples = 0.0, []
        for qi, q in enumerate(qs):
            t = time.perf_counter()
            _, found = index.search(q, 10)
            samples.append((time.perf_counter() - t) * 1000)
            hits += len(set(exact[qi].tolist()) & set(found.tolist())) / 10
        mark = "  <- default" if ef == default else ""
        print(f"  efSearch {ef:>3}: recall@10 {hits / len(qs):.3f}   index {percentiles(samples)}{mark}")
    index.ef_search = default


def uniform_worst_case(n: int, queries: int, efs: list[int]) -> None:
    """Uniformly random unit vectors have no clusters: the hardest case for any ANN index."""
    from archival_service.embeddings.base import normalize
    from archival_service.index.vector_index import VectorIndex

    rng = np.random.default_rng(7)
    data = normalize(rng.standard_normal((n + queries, DIM)).astype(np.float32))
    data, qs = data[:n], data[n:]
    index = VectorIndex(DIM, approximate_threshold=50_000)
    t = time.perf_counter()
    index.add(np.arange(n, dtype=np.int64), data)
    took = time.perf_counter() - t
    print(f"\n== worst case: {n:,} uniformly random vectors ({index.kind}, built in {took:.1f} s) ==")
    recall_sweep(index, data, qs, efs, offset=0)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 passages")
    parser.add_argument("--sizes", type=int, nargs="+", help="passage counts (default 1k 100k [1M])")
    parser.add_argument("--no-uniform", action="store_true", help="skip the uniform-random worst case")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    sizes = args.sizes or [1_000, 100_000] + ([1_000_000] if args.million else [])
    efs = [16, 32, 48, 64, 96, 128, 192, 256]
    print(f"machine: {os.cpu_count()} cores")
    for n in sizes:
        await bench(n, args.queries, efs)
    if not args.no_uniform:
        uniform_worst_case(100_000, args.queries, efs)


if __name__ == "__main__":
    asyncio.run(main())
