"""Lets tools written for Letta (`from letta_client import Letta`) run unchanged in the sandbox.

Only on the sandbox's sys.path. `Letta(base_url=...)` names Letta's HTTP server; inside the
sandbox the suite is wherever MEMVISOR_TARGET points, so the URL and token are ignored and the
memvisor client (same call shapes: client.agents.blocks.retrieve/modify, ...) is returned.
"""

from __future__ import annotations

from typing import Any

from memvisor.client import Memvisor


class Letta(Memvisor):
    def __init__(self, base_url: str | None = None, token: str | None = None, **kwargs: Any) -> None:
        del base_url, token  # the sandbox decides where the suite is (MEMVISOR_TARGET)
        super().__init__(**kwargs)


__all__ = ["Letta"]
