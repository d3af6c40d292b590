"""Per-request context carried in contextvars (set by the server interceptor)."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_TENANT = "default"
# Metadata keys (lower-case, as gRPC requires).
TENANT_METADATA_KEY = "x-memvisor-tenant"
REQUEST_ID_METADATA_KEY = "x-request-id"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Who is asking and for which request; passed explicitly into managers as `tenant_id`."""

    tenant_id: str = DEFAULT_TENANT
    request_id: str = ""
    method: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "memvisor_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, so immutable
)


def current() -> RequestContext:
    """The context of the request being served (defaults outside of a request)."""
    return _current.get()


def current_tenant() -> str:
    return _current.get().tenant_id


@contextmanager
def request_scope(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        try:
            _current.reset(token)
        except ValueError:  # a streaming generator closed from another task's context
            pass


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def outgoing_metadata() -> tuple[tuple[str, str], ...]:
    """Metadata that propagates the current request to a peer service."""
    ctx = _current.get()
    return (
        (TENANT_METADATA_KEY, ctx.tenant_id),
        (REQUEST_ID_METADATA_KEY, ctx.request_id or new_request_id()),
    )
