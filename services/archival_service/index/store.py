"""Vector indexes of all archives: loaded from and saved to `index_dir`, reconciled with SQL.

Files per archive: `<archive_id>.faiss` (the index; for HNSW its tombstones too, as -1 entries of
the id map) and `<archive_id>.json` (dimension, model, kind, counts). Both are written to a
temporary name and renamed, so a crash leaves the old or the new file, never half of one. An
index file of an outdated type (IVF, from before HNSW) is not loaded: reconciliation rebuilds
it. Whatever the files say, SQL is the truth: `reconcile` diffs
the index's ids against the archive's row ids and adds the missing vectors (read from SQL, no
re-embedding) and removes ids whose rows are gone, so no passage is lost or duplicated.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import faiss
import numpy as np

from archival_service.index.vector_index import EF_CONSTRUCTION, EF_SEARCH, HNSW_M, IVF, VectorIndex, kind_of

log = logging.getLogger(__name__)


class IndexStore:
    """One VectorIndex per archive id, created or loaded on first use."""

    def __init__(self, directory: Path, *, approximate_threshold: int, nprobe: int = 0,
                 ef_search: int = EF_SEARCH, ef_construction: int = EF_CONSTRUCTION,
                 hnsw_m: int = HNSW_M) -> None:
        self.directory = directory
        self._threshold = approximate_threshold
        # nprobe belonged to the IVF index HNSW replaced; accepted and ignored.
        self._params = {"ef_search": ef_search, "ef_construction": ef_construction, "hnsw_m": hnsw_m}
        self._indexes: dict[str, VectorIndex] = {}
        self._lock = threading.Lock()

    def _paths(self, archive_id: str) -> tuple[Path, Path]:
        return self.directory / f"{archive_id}.faiss", self.directory / f"{archive_id}.json"

    def get(self, archive_id: str, dim: int, model: str = "") -> VectorIndex:
        with self._lock:
            index = self._indexes.get(archive_id)
            if index is None:
                index = self._load(archive_id, dim, model) or self._new(dim)
                self._indexes[archive_id] = index
            return index

    def _new(self, dim: int, raw: faiss.Index | None = None, trained_size: int = 0) -> VectorIndex:
        return VectorIndex(dim, approximate_threshold=self._threshold, index=raw, trained_size=trained_size,
                           **self._params)

    def _load(self, archive_id: str, dim: int, model: str) -> VectorIndex | None:
        data_path, meta_path = self._paths(archive_id)
        if not data_path.exists() or not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            raw = faiss.read_index(str(data_path))
        except Exception:  # noqa: BLE001 - a damaged file is rebuilt from SQL, not fatal
            log.warning("unreadable vector index; rebuilding from SQL", extra={"archive_id": archive_id})
            return None
        if meta.get("dim") != dim or raw.d != dim or (model and meta.get("model") not in ("", model)):
            log.warning("vector index does not match its archive; rebuilding", extra={"archive_id": archive_id})
            return None
        try:
            kind = kind_of(raw)
        except ValueError:
            kind = None
        if kind in (None, IVF):
            # An IVF index from before HNSW (or an unknown type): SQL has every vector, so the
            # reconciliation that follows rebuilds the index from there.
            log.warning("vector index of an outdated type; rebuilding from SQL",
                        extra={"archive_id": archive_id, "kind": kind or type(raw).__name__})
            return None
        return self._new(dim, raw, int(meta.get("trained_size", 0)))

    def save(self, archive_id: str, model: str = "") -> None:
        """Writes one archive's index if it changed since the last save."""
        with self._lock:
            index = self._indexes.get(archive_id)
        if index is None or not index.dirty:
            return
        data_path, meta_path = self._paths(archive_id)
        with index._lock:  # a consistent snapshot: no add/remove while writing
            tmp = data_path.with_suffix(".faiss.tmp")
            faiss.write_index(index.raw, str(tmp))
            os.replace(tmp, data_path)
            meta = {"archive_id": archive_id, "dim": index.dim, "model": model, "kind": index.kind,
                    "count": index.ntotal, "tombstones": index.tombstones, "trained_size": index.trained_size}
            tmp_meta = meta_path.with_suffix(".json.tmp")
            tmp_meta.write_text(json.dumps(meta))
            os.replace(tmp_meta, meta_path)
            index.dirty = False

    def save_all(self, models: dict[str, str] | None = None) -> None:
        with self._lock:
            archive_ids = list(self._indexes)
        for archive_id in archive_ids:
            try:
                self.save(archive_id, (models or {}).get(archive_id, ""))
            except Exception:  # noqa: BLE001 - keep saving the others; SQL still has everything
                log.exception("could not save vector index", extra={"archive_id": archive_id})

    async def flush_forever(self, interval: float) -> None:
        """Background task: saves changed indexes every `interval` seconds."""
        while True:
            await asyncio.sleep(interval)
            await asyncio.to_thread(self.save_all)

    def drop(self, archive_id: str) -> None:
        with self._lock:
            self._indexes.pop(archive_id, None)
        for path in self._paths(archive_id):
            path.unlink(missing_ok=True)

    def reconcile(self, archive_id: str, dim: int, model: str, sql_ids: np.ndarray,
                  load_vectors: Callable[[list[int]], Iterable[tuple[np.ndarray, np.ndarray]]]) -> tuple[int, int]:
        """Makes the index hold exactly `sql_ids`. Returns (added, removed)."""
        index = self.get(archive_id, dim, model)
        have = index.ids()
        if len(np.unique(have)) != len(have):
            # Duplicate ids cannot come from our own writes; start clean rather than return twins.
            log.warning("vector index holds duplicate ids; rebuilding", extra={"archive_id": archive_id})
            with self._lock:
                index = self._new(dim)
                self._indexes[archive_id] = index
            have = np.zeros(0, dtype=np.int64)
        extra = np.setdiff1d(have, sql_ids, assume_unique=True)
        missing = np.setdiff1d(sql_ids, have, assume_unique=True)
        removed = index.remove(extra)
        added = 0
        for ids, vectors in load_vectors(missing.tolist()):
            index.add(ids, vectors)
            added += len(ids)
        if added or removed:
            log.info("vector index reconciled with SQL",
                     extra={"archive_id": archive_id, "added": added, "removed": removed})
        index.dirty = index.dirty or bool(added or removed)
        self.save(archive_id, model)
        return added, removed
