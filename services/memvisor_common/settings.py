"""Settings shared by every server process (env prefix MEMVISOR_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServerSettings(BaseSettings):
    """How a server process listens, logs and shuts down."""

    model_config = SettingsConfigDict(env_prefix="MEMVISOR_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=50051, ge=0, le=65535)
    data_dir: Path = Field(default=Path("~/.memvisor"), description="Where embedded SQLite files live.")
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    reflection: bool = True
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1024 * 1024)

    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser()
        path.mkdir(parents=True, exist_ok=True)
        return path

    def sqlite_url(self, service: str) -> str:
        return f"sqlite:///{self.resolved_data_dir() / f'{service}.db'}"
