"""Tool-service settings (env prefix MEMVISOR_TOOLS_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ToolSettings(BaseSettings):
    """Registry limits and the sandbox's per-call limits and isolation choices."""

    model_config = SettingsConfigDict(env_prefix="MEMVISOR_TOOLS_", extra="ignore")

    database_url: str | None = Field(default=None, description="None: SQLite file in the data dir.")

    # Registry.
    max_source_chars: int = Field(default=200_000, ge=1)
    max_tags: int = Field(default=64, ge=0)
    max_pip_requirements: int = Field(default=64, ge=0)
    default_return_char_limit: int = Field(default=6_000, ge=1)
    max_return_char_limit: int = Field(default=1_000_000, ge=1)

    # Per-call limits, enforced in the child process.
    timeout_seconds: float = Field(default=30.0, gt=0, description="Default wall-clock limit.")
    max_timeout_seconds: float = Field(default=300.0, gt=0, description="Cap on a request's own timeout.")
    cpu_seconds: int = Field(default=30, ge=1, description="RLIMIT_CPU of the call.")
    memory_bytes: int = Field(default=1024 * 1024 * 1024, ge=64 * 1024 * 1024, description="RLIMIT_AS.")
    max_processes: int = Field(default=64, ge=1, description="RLIMIT_NPROC (processes and threads).")
    max_file_bytes: int = Field(default=64 * 1024 * 1024, ge=0, description="RLIMIT_FSIZE.")
    max_output_chars: int = Field(default=64_000, ge=0, description="Per stream: stdout and stderr.")
    max_env_vars: int = Field(default=128, ge=0)
    max_arguments_chars: int = Field(default=1_000_000, ge=2)

    # Warm workers: pre-started interpreters that each run exactly one call, then exit.
    warm_workers: int = Field(default=4, ge=0)
    # Concurrent calls beyond this wait (protects the host's process table and memory).
    max_concurrent_calls: int = Field(default=16, ge=1)

    # Isolation.
    use_bwrap: bool | None = Field(default=None, description="None: use bubblewrap when it works here.")
    bwrap_path: str = "bwrap"
    allow_network: bool = Field(default=False, description="True: tools share the host's network.")
    # When the service runs as root, tool code runs as this uid/gid (nobody by default).
    sandbox_uid: int = 65534
    sandbox_gid: int = 65534
    # Extra host directories tools may read (mounted read-only at the same path under bwrap).
    extra_ro_paths: list[Path] = Field(default_factory=list)

    # How tools reach the suite: handed to tools as MEMVISOR_TARGET when the caller gives none.
    # A unix socket ("unix:///abs/path.sock") is bind-mounted into the sandbox at
    # SANDBOX_SOCKET_PATH, so tools reach the suite without any network access.
    client_target: str | None = None
    # Without client_target: serve the suite on a unix socket next to the data (added to the
    # host's gRPC server, so every co-located service answers there) and mount it for tools.
    expose_socket: bool = True
    socket_path: Path | None = Field(default=None, description="None: <data_dir>/tool-sandbox.sock.")
