"""Orchestrator settings (env prefix MEMVISOR_ORCHESTRATOR_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OrchestratorSettings(BaseSettings):
    """Agent defaults, loop limits, LLM client behaviour, and peer addresses when run alone."""

    model_config = SettingsConfigDict(env_prefix="MEMVISOR_ORCHESTRATOR_", extra="ignore")

    database_url: str | None = Field(default=None, description="None: SQLite file in the data dir.")
    # Peers, used only by `memvisor serve --service orchestrator`; co-located peers are called in-process.
    memory_address: str = "127.0.0.1:50052"
    archival_address: str | None = None
    tools_address: str | None = None
    peer_timeout_seconds: float = Field(default=30.0, gt=0)

    default_embedding: str = "local/all-minilm-l6-v2"
    default_context_window: int = Field(default=128_000, ge=1024)
    default_max_steps: int = Field(default=50, ge=1)
    max_steps_limit: int = Field(default=200, ge=1)
    # Consecutive unusable LLM answers (no tool call, unknown tool, bad JSON) before the turn stops.
    max_consecutive_invalid_responses: int = Field(default=3, ge=1)

    llm_timeout_seconds: float = Field(default=120.0, gt=0)
    llm_max_attempts: int = Field(default=4, ge=1)
    llm_backoff_initial_seconds: float = Field(default=0.5, ge=0)
    llm_backoff_max_seconds: float = Field(default=8.0, ge=0)

    max_name_length: int = 256
    max_system_prompt_chars: int = 200_000
    max_input_message_chars: int = 1_000_000
    max_tags: int = 64
    # What the model sees of one tool result; longer results are cut with a note saying so.
    max_tool_return_chars: int = Field(default=50_000, ge=100)

    # "required" makes OpenAI-style endpoints always return a tool call; set "auto" for servers
    # that do not support it (the loop then repairs or re-prompts plain-text answers).
    tool_choice: str = "required"
