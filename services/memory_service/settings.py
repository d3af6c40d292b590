"""Memory-service settings (env prefix MEMVISOR_MEMORY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MemorySettings(BaseSettings):
    """Storage location, block defaults and the size limits every request is checked against."""

    model_config = SettingsConfigDict(env_prefix="MEMVISOR_MEMORY_", extra="ignore")

    database_url: str | None = Field(default=None, description="None: SQLite file in the data dir.")

    # Letta's default for the persona/human blocks; a block created with limit 0 gets this.
    default_block_limit: int = Field(default=20_000, ge=1)
    max_block_limit: int = Field(default=1_000_000, ge=1)
    max_label_length: int = Field(default=128, ge=1)
    max_description_length: int = Field(default=10_000, ge=0)
    max_blocks_per_agent: int = Field(default=256, ge=1)

    max_message_chars: int = Field(default=1_000_000, ge=1)
    max_messages_per_append: int = Field(default=1_000, ge=1)
    max_tool_calls_per_message: int = Field(default=128, ge=1)
    # Tool-call ids, tool names and step ids are identifiers, not text.
    max_identifier_length: int = Field(default=256, ge=1)
    max_context_messages: int = Field(default=10_000, ge=1)
    max_summary_chars: int = Field(default=1_000_000, ge=0)
    max_query_chars: int = Field(default=10_000, ge=1)
    # More words than this add nothing to ranking but make the SQL grow.
    max_query_terms: int = Field(default=32, ge=1)

    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=1_000, ge=1)
    default_search_limit: int = Field(default=5, ge=1)
    max_search_limit: int = Field(default=100, ge=1)

    # Unconditional edits retry when a concurrent writer won the version race.
    edit_attempts: int = Field(default=8, ge=1)
