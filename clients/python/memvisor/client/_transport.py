"""One channel per client; every call gets a deadline, the tenant header, and typed errors."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc

from memvisor.client.errors import from_rpc_error

DEFAULT_TARGET = "127.0.0.1:50051"
TARGET_ENV = "MEMVISOR_TARGET"
T = TypeVar("T")


class Transport:
    def __init__(self, target: str | None, tenant: str | None, timeout: float) -> None:
        self.target = target or os.environ.get(TARGET_ENV) or DEFAULT_TARGET
        self.tenant = tenant or os.environ.get("MEMVISOR_TENANT") or "default"
        self.timeout = timeout
        self.channel = grpc.insecure_channel(
            self.target,
            options=[
                ("grpc.max_receive_message_length", 64 * 1024 * 1024),
                ("grpc.max_send_message_length", 64 * 1024 * 1024),
            ],
        )

    def _metadata(self) -> tuple[tuple[str, str], ...]:
        return (("x-memvisor-tenant", self.tenant), ("x-request-id", uuid.uuid4().hex[:16]))

    def unary(self, method: Callable[..., T], request: Any, timeout: float | None = None) -> T:
        try:
            return method(request, timeout=timeout or self.timeout, metadata=self._metadata())
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from None

    def stream(self, method: Callable[..., Any], request: Any, timeout: float | None = None) -> Iterator[Any]:
        call = method(request, timeout=timeout or self.timeout, metadata=self._metadata())
        try:
            yield from call
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from None
        finally:
            call.cancel()  # the caller stopped iterating early: tell the server

    def pages(
        self, method: Callable[..., Any], make_request: Callable[[int, str], Any], items: str, limit: int
    ) -> list[Any]:
        """Follows next_page_token until `limit` items (or the end of the collection)."""
        out: list[Any] = []
        token = ""
        while len(out) < limit:
            resp = self.unary(method, make_request(min(limit - len(out), 1000), token))
            out += list(getattr(resp, items))
            token = resp.next_page_token
            if not token:
                break
        return out[:limit]

    def close(self) -> None:
        self.channel.close()
