"""Archives and passages: insert (chunked, embedded, idempotent), search, list, delete.

Write order is SQL first, then the in-memory vector index; the index files are saved in the
background and reconciled with SQL on start, so a crash anywhere leaves SQL as the truth.
Search results are always re-read from SQL, so an index entry whose row is gone never shows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy.exc import IntegrityError

from archival_service import store
from archival_service.chunking import chunk_text
from archival_service.embeddings.base import EmbeddingProvider
from archival_service.embeddings.registry import EmbeddingRegistry
from archival_service.index.store import IndexStore
from archival_service.models import ArchiveRow, PassageRow
from archival_service.settings import ArchivalSettings
from memvisor_common import ids, paging, validation
from memvisor_common.db import Database
from memvisor_common.errors import FailedPrecondition, InvalidArgument, NotFound
from memvisor_common.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000
MAX_BATCH = 1000
MAX_TAGS = 50
MAX_TAG_CHARS = 256
MAX_CLIENT_ID_CHARS = 256
# With filters, candidate sets up to this size are scored exactly from SQL vectors.
EXACT_FILTER_LIMIT = 20_000
# Above this many vectors a search runs in a worker thread instead of on the event loop.
INLINE_SEARCH_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class PassageInput:
    """One passage as a caller gives it."""

    text: str
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    create_time: datetime | None = None
    client_id: str = ""


@dataclass(frozen=True, slots=True)
class SearchHit:
    passage: PassageRow
    score: float


@dataclass(frozen=True, slots=True)
class ArchivalStats:
    passage_count: int
    source_passage_count: int
    tags: list[str]


@dataclass(frozen=True, slots=True)
class SearchFilter:
    tags: list[str] = field(default_factory=list)
    match_all: bool = False
    start: datetime | None = None
    end: datetime | None = None

    @property
    def active(self) -> bool:
        return bool(self.tags) or self.start is not None or self.end is not None


class ArchiveManager:
    """Domain operations on archives and passages (no gRPC here)."""

    def __init__(self, db: Database, embeddings: EmbeddingRegistry, indexes: IndexStore,
                 settings: ArchivalSettings) -> None:
        self.db = db
        self.embeddings = embeddings
        self.indexes = indexes
        self.settings = settings

    # --- archives -----------------------------------------------------------------------

    async def create_archive(self, tenant_id: str, *, name: str, embedding: str, agent_id: str | None = None,
                             source_id: str | None = None, field_name: str = "embedding") -> ArchiveRow:
        """A new archive row (not committed on its own when called inside another unit of work)."""
        handle = embedding.strip() or self.settings.default_embedding
        provider = self.embeddings.resolve(handle, field_name)
        dim = await provider.dimension()
        return ArchiveRow(id=ids.new_id("archive"), tenant_id=tenant_id, name=name, embedding=handle,
                          embedding_model=provider.model, embedding_dim=dim, agent_id=agent_id,
                          source_id=source_id, create_time=utcnow())

    async def create_agent_archive(self, tenant_id: str, agent_id: str, embedding: str) -> ArchiveRow:
        """The agent's own archive; idempotent for the same embedding."""
        validation.require_id("agent_id", agent_id, "agent")
        row = await self.create_archive(tenant_id, name=f"{agent_id} archival memory", embedding=embedding,
                                        agent_id=agent_id)

        def tx(session) -> ArchiveRow:
            existing = store.get_agent_archive(session, tenant_id, agent_id)
            if existing is not None:
                return existing
            session.add(row)
            return row

        try:
            archive = await self.db.run(tx)
        except IntegrityError:  # created concurrently
            archive = await self.db.run(lambda s: store.get_agent_archive(s, tenant_id, agent_id))
        if archive.embedding != row.embedding:
            raise FailedPrecondition(
                f"agent {agent_id} already has an archive embedded with {archive.embedding!r}; "
                f"an archive never mixes embedding models",
                reason="EMBEDDING_MISMATCH",
                metadata={"archive_id": archive.id, "embedding": archive.embedding},
            )
        return archive

    async def _agent_archive(self, tenant_id: str, agent_id: str, *, create: bool) -> ArchiveRow | None:
        archive = await self.db.run(lambda s: store.get_agent_archive(s, tenant_id, agent_id))
        if archive is None and create:
            # Agents normally get theirs at creation (CreateAgentArchive with the agent's embedding);
            # one inserting before that gets the default, rather than losing the memory.
            log.warning("agent has no archive yet; creating one with the default embedding",
                        extra={"agent_id": agent_id})
            archive = await self.create_agent_archive(tenant_id, agent_id, "")
        return archive

    async def delete_agent_archival(self, tenant_id: str, agent_id: str) -> None:
        """Deletes the agent's own archive and passages, and detaches its sources."""
        validation.require_id("agent_id", agent_id, "agent")
        from archival_service.source_store import detach_all

        def tx(session) -> str | None:
            archive = store.get_agent_archive(session, tenant_id, agent_id)
            detach_all(session, tenant_id, agent_id)
            if archive is None:
                return None
            store.delete_archive(session, tenant_id, archive.id)
            return archive.id

        archive_id = await self.db.run(tx)
        if archive_id:
            self.indexes.drop(archive_id)

    async def stats(self, tenant_id: str, agent_id: str) -> ArchivalStats:
        validation.require_id("agent_id", agent_id, "agent")

        def tx(session) -> ArchivalStats:
            # Read on every agent step: two statements (both counts, then the tags) where
            # listing the archives first and counting each group took five.
            conn = session.connection()
            own, from_sources = store.passage_counts(conn, tenant_id, agent_id)
            return ArchivalStats(passage_count=own, source_passage_count=from_sources,
                                 tags=store.own_archive_tags(conn, tenant_id, agent_id))

        return await self.db.run(tx)

    def provider_for(self, archive: ArchiveRow) -> EmbeddingProvider:
        """The provider that embeds for `archive`; refuses one that would mix models."""
        provider = self.embeddings.resolve(archive.embedding)
        if provider.model != archive.embedding_model:
            raise FailedPrecondition(
                f"archive {archive.id} holds {archive.embedding_model} vectors but {archive.embedding!r} is now "
                f"served by {provider.model}; configure the endpoint back or re-create the archive",
                reason="EMBEDDING_MODEL_CHANGED",
                metadata={"archive_id": archive.id, "archive_model": archive.embedding_model,
                          "served_by": provider.model},
            )
        return provider

    # --- insert ---------------------------------------------------------------------------

    async def insert(self, tenant_id: str, agent_id: str, inputs: Sequence[PassageInput]) -> list[PassageRow]:
        validation.require_id("agent_id", agent_id, "agent")
        _validate_inputs(inputs)
        archive = await self._agent_archive(tenant_id, agent_id, create=True)
        assert archive is not None
        provider = self.provider_for(archive)

        client_ids = [i.client_id for i in inputs if i.client_id]
        existing: dict[str, list[PassageRow]] = {}
        if client_ids:
            existing = await self.db.run(lambda s: store.find_by_client_ids(s, tenant_id, archive.id, client_ids))
        now = utcnow()
        pending: list[store.NewPassage] = []
        # Per input: the ids of the passages planned for it (None when its client_id is known).
        planned: list[list[str] | None] = []
        seen: set[str] = set()
        for item in inputs:
            if item.client_id and (item.client_id in existing or item.client_id in seen):
                planned.append(None)
                continue
            seen.add(item.client_id)
            created = as_utc(item.create_time) if item.create_time else now
            chunks = chunk_text(item.text, provider.max_words, self.settings.chunk_overlap_words)
            new = [store.NewPassage(
                id=ids.new_id("passage"), text=chunk, tags=list(dict.fromkeys(item.tags)), metadata=dict(item.metadata),
                create_time=created, client_id=item.client_id or None, chunk_index=index, embedding=np.empty(0))
                for index, chunk in enumerate(chunks)]
            pending.extend(new)
            planned.append([p.id for p in new])
        stored: dict[str, PassageRow] = {}
        if pending:
            vectors = await provider.embed([p.text for p in pending])
            pending = [_with_vector(p, v) for p, v in zip(pending, vectors, strict=True)]
            for attempt in range(3):
                try:
                    rows = await self.db.run(lambda s: self._insert_tx(s, tenant_id, archive.id, pending, client_ids))
                    break
                except IntegrityError:
                    # A concurrent insert stored one of our client_ids first; the retry skips it.
                    if attempt == 2:
                        raise
            await self.index_add_async(archive, rows)
            stored = {r.id: r for r in rows}
            if client_ids and len(stored) < len(pending):
                existing = await self.db.run(lambda s: store.find_by_client_ids(s, tenant_id, archive.id, client_ids))
        out: list[PassageRow] = []
        emitted: set[str] = set()
        for item, plan in zip(inputs, planned, strict=True):
            if item.client_id:
                if item.client_id in emitted:
                    continue
                emitted.add(item.client_id)
                if item.client_id in existing:
                    out.extend(existing[item.client_id])
                    continue
            out.extend(stored[pid] for pid in plan or [] if pid in stored)
        return out

    @staticmethod
    def _insert_tx(session, tenant_id: str, archive_id: str, pending: list[store.NewPassage],
                   client_ids: list[str]) -> list[PassageRow]:
        # Re-check inside the transaction: a concurrent retry may have stored some keys meanwhile.
        taken = store.find_by_client_ids(session, tenant_id, archive_id, client_ids)
        todo = [p for p in pending if not p.client_id or p.client_id not in taken]
        return store.insert_passages(session, tenant_id, archive_id, todo)

    def index_add(self, archive: ArchiveRow, rows: Sequence[PassageRow]) -> None:
        if not rows:
            return
        index = self.indexes.get(archive.id, archive.embedding_dim, archive.embedding_model)
        vectors = np.frombuffer(b"".join(r.embedding for r in rows), dtype=np.float32).reshape(len(rows), -1)
        index.add(np.array([r.row_id for r in rows], dtype=np.int64), vectors)

    async def index_add_async(self, archive: ArchiveRow, rows: Sequence[PassageRow]) -> None:
        """Like index_add, but a rebuild (growth to IVF) runs in a worker thread."""
        index = self.indexes.get(archive.id, archive.embedding_dim, archive.embedding_model)
        if index.would_grow(len(rows)) or len(rows) > 10_000:
            await asyncio.to_thread(self.index_add, archive, rows)
        else:
            self.index_add(archive, rows)

    # --- search ---------------------------------------------------------------------------

    async def search(self, tenant_id: str, agent_id: str, query: str, top_k: int,
                     filters: SearchFilter) -> list[SearchHit]:
        validation.require_id("agent_id", agent_id, "agent")
        validation.require("query", query)
        validation.max_length("query", query, MAX_TEXT_CHARS)
        if top_k < 0:
            raise InvalidArgument("top_k", "must not be negative")
        k = min(top_k or self.settings.default_top_k, self.settings.max_top_k)
        if filters.start and filters.end and filters.start > filters.end:
            raise InvalidArgument("end_time", "must not be before start_time")
        archives = await self.db.run(lambda s: store.searchable_archives(s, tenant_id, agent_id))
        if not archives:
            return []
        # One query vector per model: an attached source may use another model than the agent.
        query_vectors: dict[str, np.ndarray] = {}
        for archive in archives:
            if archive.embedding_model not in query_vectors:
                provider = self.provider_for(archive)
                query_vectors[archive.embedding_model] = (await provider.embed([query]))[0]
        scored: list[tuple[float, int, str]] = []
        for archive in archives:
            qv = query_vectors[archive.embedding_model]
            for score, row_id in await self._search_archive(tenant_id, archive, qv, k, filters):
                scored.append((score, row_id, archive.id))
        scored.sort(key=lambda t: -t[0])
        # A few spare candidates cover index entries whose rows were deleted meanwhile.
        candidates = scored[: k + 16]
        archive_ids = [a.id for a in archives]
        rows = await self.db.run(
            lambda s: store.passages_by_row_ids(s, tenant_id, archive_ids, [c[1] for c in candidates]))
        hits = [SearchHit(rows[row_id], float(score)) for score, row_id, _ in candidates if row_id in rows]
        return hits[:k]

    async def _search_archive(self, tenant_id: str, archive: ArchiveRow, qv: np.ndarray, k: int,
                              filters: SearchFilter) -> list[tuple[float, int]]:
        allowed: np.ndarray | None = None
        if filters.active:
            row_ids = await self.db.run(lambda s: store.filtered_row_ids(
                s, tenant_id, archive.id, tags=filters.tags, match_all=filters.match_all,
                start=filters.start, end=filters.end, limit=EXACT_FILTER_LIMIT))
            if not row_ids:
                return []
            if len(row_ids) <= EXACT_FILTER_LIMIT:
                # Few candidates: exact scores straight from the stored vectors beat any index.
                ids_, blobs = await self.db.run(lambda s: store.embeddings_of(s, tenant_id, row_ids))
                if not len(ids_):
                    return []
                matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids_), -1)
                scores = matrix @ qv
                top = np.argsort(-scores)[: k + 16]
                return [(float(scores[i]), int(ids_[i])) for i in top]
            allowed = None  # too many to list: search the index, then filter rows afterwards below
        index = self.indexes.get(archive.id, archive.embedding_dim, archive.embedding_model)
        fetch = k + 16 if not filters.active else k * 20
        if index.ntotal > INLINE_SEARCH_LIMIT:
            scores, found = await asyncio.to_thread(index.search, qv, fetch, allowed)
        else:
            scores, found = index.search(qv, fetch, allowed)
        pairs = [(float(s), int(i)) for s, i in zip(scores, found, strict=True)]
        if filters.active:
            keep = set(await self.db.run(lambda s: store.filtered_row_ids_among(
                s, tenant_id, archive.id, [p[1] for p in pairs], tags=filters.tags, match_all=filters.match_all,
                start=filters.start, end=filters.end)))
            pairs = [p for p in pairs if p[1] in keep]
        return pairs

    # --- list / delete ----------------------------------------------------------------------

    async def list(self, tenant_id: str, agent_id: str, page_size: int, page_token: str
                   ) -> tuple[list[PassageRow], str]:
        validation.require_id("agent_id", agent_id, "agent")
        size = paging.resolve_page_size(page_size)
        filters = {"agent_id": agent_id}
        cursor = paging.decode_page_token(page_token, filters)
        after = int(cursor.get("r", 0)) if cursor else 0
        archive = await self._agent_archive(tenant_id, agent_id, create=False)
        if archive is None:
            return [], ""
        rows = await self.db.run(lambda s: store.list_passages(s, tenant_id, archive.id, after, size + 1))
        next_token = paging.encode_page_token({"r": rows[size - 1].row_id}, filters) if len(rows) > size else ""
        return rows[:size], next_token

    async def delete_passage(self, tenant_id: str, passage_id: str) -> None:
        validation.require_id("passage_id", passage_id, "passage")

        def tx(session) -> tuple[str, int, int, str]:
            row = store.get_passage(session, tenant_id, passage_id)
            if row is None:
                raise NotFound("passage", passage_id)
            archive = store.get_archive(session, tenant_id, row.archive_id)
            store.delete_passage(session, tenant_id, row)
            return row.archive_id, row.row_id, archive.embedding_dim, archive.embedding_model

        archive_id, row_id, dim, model = await self.db.run(tx)
        self.indexes.get(archive_id, dim, model).remove(np.array([row_id], dtype=np.int64))

    # --- embed -----------------------------------------------------------------------------

    async def embed(self, handle: str, texts: Sequence[str]) -> tuple[np.ndarray, str]:
        if not texts:
            raise InvalidArgument("texts", "needs at least one text")
        if len(texts) > MAX_BATCH:
            raise InvalidArgument("texts", f"at most {MAX_BATCH} texts per call")
        for i, text in enumerate(texts):
            validation.max_length(f"texts[{i}]", text, MAX_TEXT_CHARS)
        provider = self.embeddings.resolve(handle)
        return await provider.embed(list(texts)), provider.model

    # --- start-up -----------------------------------------------------------------------------

    async def reconcile_indexes(self) -> dict[str, tuple[int, int]]:
        """Makes every archive's index match SQL (run before serving)."""
        archives = await self.db.run(store.all_archives)
        report: dict[str, tuple[int, int]] = {}
        for archive in archives:
            sql_ids = await self.db.run(lambda s, a=archive.id: store.archive_row_ids(s, a))

            def load(missing: list[int], dim: int = archive.embedding_dim):
                return store.iter_embedding_batches(self.db._run, missing, dim)

            report[archive.id] = await asyncio.to_thread(
                self.indexes.reconcile, archive.id, archive.embedding_dim, archive.embedding_model, sql_ids, load)
        return report


def _with_vector(p: store.NewPassage, vector: np.ndarray) -> store.NewPassage:
    return store.NewPassage(p.id, p.text, p.tags, p.metadata, p.create_time, p.client_id, p.chunk_index,
                            vector, p.source_id, p.file_id)


def _validate_inputs(inputs: Sequence[PassageInput]) -> None:
    if not inputs:
        raise InvalidArgument("passages", "needs at least one passage")
    if len(inputs) > MAX_BATCH:
        raise InvalidArgument("passages", f"at most {MAX_BATCH} passages per call")
    for i, item in enumerate(inputs):
        validation.require(f"passages[{i}].text", item.text)
        validation.max_length(f"passages[{i}].text", item.text, MAX_TEXT_CHARS)
        validation.max_length(f"passages[{i}].client_id", item.client_id, MAX_CLIENT_ID_CHARS)
        if len(item.tags) > MAX_TAGS:
            raise InvalidArgument(f"passages[{i}].tags", f"at most {MAX_TAGS} tags")
        for tag in item.tags:
            if not tag.strip():
                raise InvalidArgument(f"passages[{i}].tags", "tags must not be empty")
            validation.max_length(f"passages[{i}].tags", tag, MAX_TAG_CHARS)
