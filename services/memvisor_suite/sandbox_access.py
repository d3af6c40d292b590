"""How sandboxed tools reach the suite with the memvisor client (filled in with the tool-service)."""

from __future__ import annotations

from memvisor_common.settings import ServerSettings


def sandbox_env_for(settings: ServerSettings) -> dict[str, str]:
    """Environment given to every sandboxed tool call so `Memvisor()` finds the suite."""
    return {"MEMVISOR_TARGET": f"{settings.host}:{settings.port}"}
