"""Any OpenAI-compatible /v1/embeddings endpoint (OpenAI, vLLM, Ollama, llama.cpp, ...).

Batched; transient failures (timeouts, connection errors, 429, 5xx) are retried with
exponential backoff, then surface as UNAVAILABLE. A request the endpoint rejects (4xx) is
FAILED_PRECONDITION with the endpoint's message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import numpy as np
import openai
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from archival_service.embeddings.base import normalize
from memvisor_common.errors import FailedPrecondition, Unavailable

log = logging.getLogger(__name__)

# Dimensions of well-known models, so creating an archive needs no call; others are probed once.
_KNOWN_DIMS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}
_TRANSIENT = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


class OpenAIEmbeddingProvider:
    """Embeds through the `openai` package's AsyncOpenAI client."""

    # text-embedding-3 reads 8191 tokens; stay well inside it for other servers' smaller windows.
    max_words = 2000

    def __init__(self, model_name: str, *, base_url: str | None, api_key: str | None, batch_size: int = 256,
                 timeout: float = 30.0, max_attempts: int = 5, min_backoff: float = 0.2) -> None:
        self.model_name = model_name
        self.model = f"openai/{model_name}"
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key or "unused", timeout=timeout, max_retries=0
        )
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._min_backoff = min_backoff
        self._dim: int | None = _KNOWN_DIMS.get(model_name)
        self._dim_lock = asyncio.Lock()

    async def dimension(self) -> int:
        if self._dim is None:
            async with self._dim_lock:
                if self._dim is None:
                    self._dim = int((await self._embed_batch(["dimension probe"])).shape[1])
        return self._dim

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, await self.dimension()), dtype=np.float32)
        parts = [await self._embed_batch(texts[i : i + self._batch_size])
                 for i in range(0, len(texts), self._batch_size)]
        out = np.vstack(parts)
        if self._dim is None:
            self._dim = int(out.shape[1])
        return out

    async def _embed_batch(self, texts: list[str]) -> np.ndarray:
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(_TRANSIENT),
                stop=stop_after_attempt(self._max_attempts),
                wait=wait_exponential(multiplier=self._min_backoff, max=10),
                reraise=True,
            ):
                with attempt:
                    response = await self._client.embeddings.create(
                        model=self.model_name, input=texts, encoding_format="float"
                    )
        except _TRANSIENT as exc:
            raise Unavailable(
                f"embedding endpoint failed after {self._max_attempts} attempts: {exc}",
                reason="EMBEDDING_ENDPOINT_UNAVAILABLE",
                metadata={"model": self.model},
            ) from exc
        except openai.APIStatusError as exc:
            raise FailedPrecondition(
                f"embedding endpoint rejected the request ({exc.status_code}): {exc.message}",
                reason="EMBEDDING_REQUEST_REJECTED",
                metadata={"model": self.model, "status": str(exc.status_code)},
            ) from exc
        rows = sorted(response.data, key=lambda d: d.index)
        if len(rows) != len(texts):
            raise Unavailable(f"embedding endpoint returned {len(rows)} vectors for {len(texts)} texts",
                              reason="EMBEDDING_ENDPOINT_UNAVAILABLE")
        vectors = np.asarray([r.embedding for r in rows], dtype=np.float32)
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise FailedPrecondition(
                f"{self.model} returned {vectors.shape[1]} dimensions, expected {self._dim}",
                reason="EMBEDDING_DIMENSION_MISMATCH",
            )
        return normalize(vectors)

    async def aclose(self) -> None:
        await self._client.close()
