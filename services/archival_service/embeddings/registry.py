"""Resolves embedding handles ("openai/<model>", "local/<model>") to providers.

Resolution order for a handle H:
1. empty -> settings.default_embedding;
2. settings.embedding_overrides[H], if present, names the handle that serves H;
3. "local/all-minilm-l6-v2" -> the packaged MiniLM; "local/hash-<dim>" -> the lexical hasher;
4. "openai/<model>" -> the OpenAI-compatible endpoint when OPENAI_BASE_URL or OPENAI_API_KEY
   (or their settings) is configured; otherwise, with openai_fallback_to_local (the default),
   the default local model serves it and a WARNING says so; without it, FAILED_PRECONDITION
   EMBEDDING_ENDPOINT_NOT_CONFIGURED.
The provider's `model` is what archives record, so an archive whose vectors came from the local
fallback refuses vectors from a real endpoint later (EMBEDDING_MODEL_CHANGED) instead of mixing.
"""

from __future__ import annotations

import logging
import os
import re
import threading

from archival_service.embeddings.base import EmbeddingProvider
from archival_service.embeddings.hashing import HashingProvider
from archival_service.embeddings.local_minilm import MODEL as MINILM
from archival_service.embeddings.local_minilm import LocalMiniLMProvider
from archival_service.embeddings.openai_provider import OpenAIEmbeddingProvider
from archival_service.settings import ArchivalSettings
from memvisor_common.errors import FailedPrecondition, InvalidArgument

log = logging.getLogger(__name__)

_HASH = re.compile(r"^local/hash-(\d{1,5})$")


class EmbeddingRegistry:
    """One provider per served model, created on first use and shared."""

    def __init__(self, settings: ArchivalSettings) -> None:
        self._settings = settings
        self._base_url = settings.openai_base_url or os.environ.get("OPENAI_BASE_URL") or None
        self._api_key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY") or None
        self._providers: dict[str, EmbeddingProvider] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    @property
    def openai_configured(self) -> bool:
        return bool(self._base_url or self._api_key)

    def resolve(self, handle: str, field: str = "embedding") -> EmbeddingProvider:
        """The provider serving `handle` (INVALID_ARGUMENT for an unknown handle)."""
        requested = handle.strip() or self._settings.default_embedding
        served = self._settings.embedding_overrides.get(requested, requested)
        if served.startswith("openai/") and not self.openai_configured:
            if not self._settings.openai_fallback_to_local:
                raise FailedPrecondition(
                    f"{requested!r} needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL and/or OPENAI_API_KEY",
                    reason="EMBEDDING_ENDPOINT_NOT_CONFIGURED",
                    metadata={"embedding": requested},
                )
            fallback = self._settings.default_embedding
            if fallback.startswith("openai/"):
                fallback = MINILM
            if requested not in self._warned:
                self._warned.add(requested)
                log.warning(
                    "no OpenAI endpoint configured (OPENAI_BASE_URL/OPENAI_API_KEY unset): embedding handle %r "
                    "is served by the local model %r; archives created now stay on that model",
                    requested, fallback,
                )
            served = fallback
        with self._lock:
            if served not in self._providers:
                self._providers[served] = self._create(served, field)
            return self._providers[served]

    def _create(self, served: str, field: str) -> EmbeddingProvider:
        s = self._settings
        if served == MINILM:
            return LocalMiniLMProvider(model_path=s.local_model_path, threads=s.local_threads,
                                       batch_size=s.local_batch_size)
        if match := _HASH.match(served):
            dim = int(match.group(1))
            if not 8 <= dim <= 4096:
                raise InvalidArgument(field, "local/hash-<dim> needs 8 <= dim <= 4096",
                                      reason="UNKNOWN_EMBEDDING_MODEL")
            return HashingProvider(dim)
        if served.startswith("openai/") and len(served) > len("openai/"):
            return OpenAIEmbeddingProvider(
                served.removeprefix("openai/"), base_url=self._base_url, api_key=self._api_key,
                batch_size=s.openai_batch_size, timeout=s.openai_timeout_seconds, max_attempts=s.openai_max_attempts,
            )
        raise InvalidArgument(
            field,
            f"unknown embedding handle {served!r}; use 'openai/<model>', '{MINILM}' or 'local/hash-<dim>'",
            reason="UNKNOWN_EMBEDDING_MODEL",
        )

    async def aclose(self) -> None:
        for provider in self._providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()
