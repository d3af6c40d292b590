"""Recall@10 of the approximate (HNSW) index against exact search on REAL MiniLM embeddings.

  python bench/archival/bench_recall_minilm.py                 # 20,000 passages + 1,000 queries
  python bench/archival/bench_recall_minilm.py --corpus docstrings --passages 10000   # real prose

Two corpora. "templates" (bench/archival/sentences.py: ten templates over word lists: personal
facts, preferences, project status notes, events, how-tos, trivia): MemGPT-like archival
memories, but their embeddings sit on a low-dimensional manifold. "docstrings": real English
sentences from the standard library's docstrings, far more varied (a harder set for ANN).

The queries are held-out sentences of the same corpus, not in the index. Every text is
embedded by the service's own local provider ("local/all-minilm-l6-v2", int8 ONNX on this CPU);
the embeddings are cached in `--cache` (the embedding takes minutes, the index seconds). The index is a VectorIndex with the
service's defaults, forced approximate (threshold 1,000) and grown as the service grows it: the
first batch crosses the threshold and builds the graph, later batches are inserted into it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from common import percentiles  # noqa: E402
from sentences import docstring_sentences, sentences  # noqa: E402

from archival_service.embeddings.local_minilm import LocalMiniLMProvider  # noqa: E402
from archival_service.index.vector_index import VectorIndex  # noqa: E402


CORPORA = {"templates": sentences, "docstrings": docstring_sentences}


def embeddings(corpus: str, n: int, cache: Path) -> np.ndarray:
    path = cache / (f"minilm_{n}.npy" if corpus == "templates" else f"minilm_{corpus}_{n}.npy")
    if path.exists():
        print(f"embeddings: cached {path}")
        return np.load(path)
    texts = CORPORA[corpus](n, seed=0)
    provider = LocalMiniLMProvider(batch_size=64)
    out = np.empty((n, 384), dtype=np.float32)
    t = time.perf_counter()
    for start in range(0, n, 2000):
        out[start : start + 2000] = provider.embed_sync(texts[start : start + 2000])
        print(f"  embedded {min(n, start + 2000):,}/{n:,} ({time.perf_counter() - t:.0f} s)", flush=True)
    took = time.perf_counter() - t
    print(f"embeddings: {n:,} texts in {took:.0f} s ({n / took:.0f}/s)")
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="templates")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/archbench"))
    args = parser.parse_args()
    print(f"corpus: {args.corpus}, {args.passages:,} passages, {args.queries:,} held-out queries")
    vectors = embeddings(args.corpus, args.passages + args.queries, args.cache)
    data, queries = vectors[: args.passages], vectors[args.passages :]
    n = len(data)
    texts = CORPORA[args.corpus](len(vectors), seed=0)
    assert not set(texts[n:]) & set(texts[:n])  # held out: no query is an indexed passage

    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    exact_scores, exact = flat.search(queries, 10)
    print(f"exact top-10 cosine: mean {exact_scores.mean():.3f}, 1st {exact_scores[:, 0].mean():.3f}, "
          f"10th {exact_scores[:, 9].mean():.3f}")

    index = VectorIndex(data.shape[1], approximate_threshold=1_000)
    t = time.perf_counter()
    for start in range(0, n, 2_000):
        index.add(np.arange(start, min(n, start + 2_000), dtype=np.int64), data[start : start + 2_000])
    print(f"HNSW over {n:,} MiniLM vectors ({index.kind}, M={index.hnsw_m}, efConstruction="
          f"{index.ef_construction}): built in {time.perf_counter() - t:.1f} s")
    default = index.ef_search
    for ef in [16, 32, 48, 64, 96, 128, 192]:
        index.ef_search = ef
        hits, samples = 0, []
        for q, row in zip(queries, exact, strict=True):
            t = time.perf_counter()
            _, found = index.search(q, 10)
            samples.append((time.perf_counter() - t) * 1000)
            hits += len(set(row.tolist()) & set(found.tolist()))
        mark = "  <- default" if ef == default else ""
        recall = hits / (10 * len(queries))
        print(f"  efSearch {ef:>3}: recall@10 {recall:.4f}   index {percentiles(samples)}{mark}")


if __name__ == "__main__":
    main()
