"""AIP-158 paging: page_size validation and opaque, filter-bound page tokens."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from memvisor_common.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def resolve_page_size(
    requested: int, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    if requested < 0:
        raise InvalidArgument("page_size", "must not be negative")
    if requested == 0:
        return default
    return min(requested, maximum)


def _filters_digest(filters: Any) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:12]


def encode_page_token(cursor: dict[str, Any], filters: Any) -> str:
    """A token that resumes after `cursor`; only valid with the same filters."""
    raw = json.dumps({"c": cursor, "f": _filters_digest(filters)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_page_token(token: str, filters: Any) -> dict[str, Any] | None:
    """The cursor in `token` (None for the first page); INVALID_ARGUMENT if forged or reused."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor, digest = data["c"], data["f"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument("page_token", "is not a token this server issued") from None
    if not isinstance(cursor, dict):
        raise InvalidArgument("page_token", "is not a token this server issued")
    if digest != _filters_digest(filters):
        raise InvalidArgument("page_token", "was issued for a request with different filters")
    return cursor
