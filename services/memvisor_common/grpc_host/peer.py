"""Calling a peer service: over the network, or in-process when co-located.

Both shapes take the same request messages and return the same responses. Remote failures
come back as the same domain errors the peer raised (code and reason kept), so callers
handle one kind of error whichever way the peer is reached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import grpc

from memvisor.client.errors import decode_rpc_error
from memvisor_common import request_context
from memvisor_common.errors import ErrorCode, Unavailable, error_from_code

S = TypeVar("S")


class _LocalContext:
    """The little of grpc.aio.ServicerContext that servicers use, for direct calls."""

    def cancelled(self) -> bool:
        return False

    def time_remaining(self) -> float | None:
        return None

    def invocation_metadata(self) -> tuple[()]:
        return ()


class Peer(Generic[S]):
    """`await peer.call("GetBlock", request)` — one interface for both shapes."""

    def __init__(self, name: str, call: Callable[[str, Any, float | None], Awaitable[Any]]) -> None:
        self.name = name
        self._call = call

    async def call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        return await self._call(method, request, timeout)

    @classmethod
    def local(cls, name: str, servicer: S) -> Peer[S]:
        """Direct servicer call: no serialization, no socket. Domain errors propagate as-is."""
        context = _LocalContext()

        async def call(method: str, request: Any, _timeout: float | None) -> Any:
            return await getattr(servicer, method)(request, context)

        return cls(name, call)

    @classmethod
    def remote(cls, name: str, stub: Any, default_timeout: float = 30.0) -> Peer[S]:
        async def call(method: str, request: Any, timeout: float | None) -> Any:
            try:
                return await getattr(stub, method)(
                    request, timeout=timeout or default_timeout, metadata=request_context.outgoing_metadata()
                )
            except grpc.aio.AioRpcError as exc:
                raise _domain_error(name, exc) from None

        return cls(name, call)


def _domain_error(peer: str, exc: grpc.aio.AioRpcError) -> Exception:
    decoded = decode_rpc_error(exc)
    if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) and not decoded.reason:
        return Unavailable(f"{peer} service is unavailable: {exc.details()}", reason="PEER_UNAVAILABLE")
    try:
        code = ErrorCode(exc.code().name)
    except ValueError:
        code = ErrorCode.INTERNAL
    return error_from_code(
        code, decoded.message, decoded.reason or code.value, decoded.metadata, decoded.field_violations
    )
