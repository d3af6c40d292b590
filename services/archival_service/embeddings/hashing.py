"""A lexical feature-hashing embedder ("local/hash-<dim>"): instant and model-free.

Meant for benchmarks that measure everything except the model, and for tests that need many
vectors fast. It matches shared words, not meaning.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from archival_service.embeddings.base import normalize

_WORD = re.compile(r"[a-z0-9]+")


class HashingProvider:
    """Bag of words hashed into `dim` signed buckets."""

    max_words = 10_000

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.model = f"local/hash-{dim}"

    async def dimension(self) -> int:
        return self.dim

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = zlib.crc32(word.encode())
                out[row, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        return normalize(out)

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_sync(texts)
