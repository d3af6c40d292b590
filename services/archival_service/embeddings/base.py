"""The embedding-provider interface and the vector conventions every provider follows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class EmbeddingProvider(Protocol):
    """Turns texts into unit-length float32 vectors (so inner product = cosine similarity)."""

    # Identity of the model that computes the vectors, e.g. "local/all-minilm-l6-v2".
    model: str
    # Longest input the model reads whole, in words (longer text is chunked by callers).
    max_words: int

    async def dimension(self) -> int:
        """The vectors' dimension (may call the model once to find out)."""
        ...

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, dim) float32 array of unit vectors, one row per text, in order."""
        ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
