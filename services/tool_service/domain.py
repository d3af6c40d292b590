"""The tool as the service's code sees it (no protobuf, no SQLAlchemy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ToolRecord:
    id: str
    tenant_id: str
    name: str
    description: str
    source_code: str
    json_schema: str
    takes_agent_state: bool
    tags: tuple[str, ...]
    return_char_limit: int
    pip_requirements: tuple[str, ...]
    create_time: datetime
    update_time: datetime

    def schema(self) -> dict[str, Any]:
        return json.loads(self.json_schema)


@dataclass(frozen=True)
class ToolDraft:
    """A validated upsert: everything but the id and timestamps."""

    name: str
    description: str
    source_code: str
    json_schema: str
    takes_agent_state: bool
    tags: tuple[str, ...]
    return_char_limit: int
    pip_requirements: tuple[str, ...]
