"""Shared bits of the archival benchmarks: a throw-away component and synthetic vectors."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from archival_service.component import ArchivalComponent
from archival_service.embeddings.base import normalize
from archival_service.settings import ArchivalSettings
from memvisor_common.settings import ServerSettings

DIM = 384


def clustered(n: int, dim: int = DIM, clusters: int = 1000, spread: float = 2.0, seed: int = 0) -> np.ndarray:
    """Unit vectors drawn around `clusters` centres: closer to real text embeddings than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        out[start : start + m] = centres[rng.integers(0, clusters, m)] + spread * rng.standard_normal((m, dim))
    return normalize(out)


class InstantProvider:
    """Returns ready-made vectors: benchmarks the service without any model time."""

    model = "local/hash-384"
    max_words = 10_000

    def __init__(self, seed: int = 1) -> None:
        self._rng = np.random.default_rng(seed)

    async def dimension(self) -> int:
        return DIM

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(self._rng.standard_normal((len(texts), DIM)).astype(np.float32))


def make_component(embedding: str, **settings: object) -> tuple[ArchivalComponent, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="archival-bench-"))
    component = ArchivalComponent(
        ServerSettings(data_dir=tmp, log_level="WARNING"),
        ArchivalSettings(default_embedding=embedding, index_flush_seconds=3600, **settings),
    )
    return component, tmp


def percentiles(samples_ms: list[float]) -> str:
    arr = np.array(samples_ms)
    return f"p50 {np.percentile(arr, 50):.3f} ms  p95 {np.percentile(arr, 95):.3f} ms  p99 {np.percentile(arr, 99):.3f} ms"
