"""One archive's vector index: exact while small, IVF (approximate) once large.

Vectors are unit length, so inner product is cosine similarity. Ids are the passages' integer
row ids. Exact search is IndexFlatIP behind IndexIDMap2; past `approximate_threshold` vectors the
index is rebuilt as IndexIVFFlat (nlist ~ 4*sqrt(n)), retrained whenever it has grown 4x since
training so its cells stay balanced. Both support removal, so a deleted passage leaves at once.
All methods are thread-safe (FAISS releases the GIL, so searches can run in worker threads).
"""

from __future__ import annotations

import logging
import math
import os
import threading

import faiss
import numpy as np

log = logging.getLogger(__name__)

FLAT = "flat"
IVF = "ivf"
_MAX_NLIST = 4096
_TRAIN_POINTS_PER_LIST = 40


class VectorIndex:
    """Add, remove and search vectors by int64 id."""

    def __init__(self, dim: int, *, approximate_threshold: int, nprobe: int,
                 index: faiss.Index | None = None, trained_size: int = 0) -> None:
        self.dim = dim
        self.approximate_threshold = approximate_threshold
        self.nprobe = nprobe
        self._lock = threading.RLock()
        self._index: faiss.Index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.trained_size = trained_size
        self.dirty = False

    # --- introspection --------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return IVF if isinstance(self._index, faiss.IndexIVF) else FLAT

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    @property
    def raw(self) -> faiss.Index:
        return self._index

    def would_grow(self, extra: int) -> bool:
        """Whether adding `extra` vectors triggers a (slow) rebuild: callers move it off the loop."""
        n = self.ntotal + extra
        if self.kind == FLAT:
            return n >= self.approximate_threshold
        return n > 4 * self.trained_size

    def ids(self) -> np.ndarray:
        """Every id in the index (int64, unordered)."""
        with self._lock:
            if self.kind == FLAT:
                return faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=True)
            parts = [ids for ids, _ in self._ivf_lists()]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    # --- mutation -------------------------------------------------------------------------

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dim):
            raise ValueError(f"expected vectors of shape ({len(ids)}, {self.dim}), got {vectors.shape}")
        with self._lock:
            self._index.add_with_ids(vectors, ids)
            self.dirty = True
            if self.would_grow(0):
                self._rebuild()

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        with self._lock:
            removed = int(self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64))))
            self.dirty = self.dirty or removed > 0
            return removed

    # --- search ---------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the k best, best first; ids only from `allowed` when given."""
        query = np.ascontiguousarray(query.reshape(1, self.dim), dtype=np.float32)
        # One query gains nothing from OpenMP threads, and on a busy machine their spin-waits cost
        # tens of ms (measured: p95 32 ms vs 0.05 ms on 2 loaded cores). Per-thread setting.
        faiss.omp_set_num_threads(1)
        with self._lock:
            k = min(k, self.ntotal)
            if k <= 0:
                return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
            if self.kind == IVF:
                params: faiss.SearchParameters = faiss.SearchParametersIVF(nprobe=self.nprobe, sel=sel)
            else:
                params = faiss.SearchParameters(sel=sel)
            scores, ids = self._index.search(query, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    # --- growth ---------------------------------------------------------------------------

    def _all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self.kind == FLAT:
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            vectors = self._index.index.reconstruct_n(0, self._index.ntotal)
            return ids, vectors
        pairs = list(self._ivf_lists(with_vectors=True))
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate([p[0] for p in pairs]), np.vstack([p[1] for p in pairs])

    def _ivf_lists(self, with_vectors: bool = False):
        invlists = self._index.invlists
        code_size = self._index.code_size
        for lst in range(self._index.nlist):
            n = invlists.list_size(lst)
            if n == 0:
                continue
            ids = faiss.rev_swig_ptr(invlists.get_ids(lst), n).astype(np.int64, copy=True)
            vectors = None
            if with_vectors:
                raw = faiss.rev_swig_ptr(invlists.get_codes(lst), n * code_size)
                vectors = raw.view(np.float32).reshape(n, self.dim).copy()
            yield ids, vectors

    def _rebuild(self) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # k-means training does use every core
        ids, vectors = self._all_vectors()
        n = len(ids)
        # ~4*sqrt(n) cells, but never fewer than 39 training points per cell (k-means needs them).
        nlist = max(8, min(_MAX_NLIST, int(4 * math.sqrt(n)), n // 39))
        rng = np.random.default_rng(0)
        sample = vectors if n <= nlist * _TRAIN_POINTS_PER_LIST else vectors[
            rng.choice(n, nlist * _TRAIN_POINTS_PER_LIST, replace=False)]
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.train(sample)
        ivf.add_with_ids(vectors, ids)
        log.info("vector index rebuilt as IVF", extra={"vectors": n, "nlist": nlist})
        self._index = ivf
        self.trained_size = n
        self.dirty = True
