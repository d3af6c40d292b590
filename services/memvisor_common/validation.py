"""Small request-validation helpers that raise InvalidArgument with the field's path."""

from __future__ import annotations

import re

from memvisor_common.errors import InvalidArgument

_ID_RE = re.compile(r"^[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def require(field: str, value: str) -> str:
    if not value or not value.strip():
        raise InvalidArgument(field, "is required")
    return value


def max_length(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidArgument(field, f"is {len(value)} characters; the maximum is {limit}")
    return value


def require_id(field: str, value: str, kind: str) -> str:
    """An id of the form "<kind>-<uuid>"; anything else cannot name a resource."""
    require(field, value)
    if not _ID_RE.match(value) or not value.startswith(kind + "-"):
        raise InvalidArgument(field, f"must be a {kind} id like '{kind}-<uuid>'", reason="MALFORMED_ID")
    return value
