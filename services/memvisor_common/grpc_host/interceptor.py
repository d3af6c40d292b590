"""The one server interceptor: request context, domain-error mapping, one log line per RPC."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from memvisor_common import request_context
from memvisor_common.errors import MemvisorError

log = logging.getLogger("memvisor.rpc")


def _domain(method: str) -> str:
    # "/memvisor.memory.v1.MemoryService/GetBlock" -> "memory.memvisor"
    parts = method.lstrip("/").split(".")
    return f"{parts[1]}.memvisor" if len(parts) > 2 else "memvisor"


def to_rpc_status(exc: MemvisorError, method: str) -> grpc.Status:
    """A google.rpc.Status with ErrorInfo (always) and BadRequest (for invalid fields)."""
    info = error_details_pb2.ErrorInfo(reason=exc.reason, domain=_domain(method), metadata=exc.metadata)
    details = [info]
    if exc.field_violations:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                    for f, d in exc.field_violations
                ]
            )
        )
    packed = []
    for detail in details:
        any_msg = any_pb2.Any()
        any_msg.Pack(detail)
        packed.append(any_msg)
    status = status_pb2.Status(code=getattr(code_pb2, exc.code.value), message=exc.message, details=packed)
    return rpc_status.to_status(status)


class ServerInterceptor(grpc.aio.ServerInterceptor):
    """Sets the request context from metadata and maps domain errors to statuses, once."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        if method.startswith("/grpc."):  # health and reflection stay untouched
            return handler
        metadata = dict(handler_call_details.invocation_metadata or ())
        ctx = request_context.RequestContext(
            tenant_id=str(
                metadata.get(request_context.TENANT_METADATA_KEY) or request_context.DEFAULT_TENANT
            ),
            request_id=str(
                metadata.get(request_context.REQUEST_ID_METADATA_KEY) or request_context.new_request_id()
            ),
            method=method,
        )
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(handler.unary_unary, ctx),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(handler.unary_stream, ctx),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                _wrap_unary(handler.stream_unary, ctx),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return grpc.stream_stream_rpc_method_handler(
            _wrap_stream(handler.stream_stream, ctx),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


async def _abort(
    context: grpc.aio.ServicerContext, exc: BaseException, ctx: request_context.RequestContext, started: float
) -> None:
    elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
    if isinstance(exc, MemvisorError):
        log.info("rpc failed", extra={"code": exc.code.value, "reason": exc.reason, "ms": elapsed_ms})
        status = to_rpc_status(exc, ctx.method)
        await context.abort(status.code, status.details, status.trailing_metadata)
    log.error("rpc crashed", exc_info=exc, extra={"ms": elapsed_ms})
    await context.abort(grpc.StatusCode.INTERNAL, "internal error")


def _wrap_unary(behavior: Callable[..., Awaitable[Any]], ctx: request_context.RequestContext):
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        started = time.perf_counter()
        with request_context.request_scope(ctx):
            try:
                response = await behavior(request, context)
            except grpc.aio.AbortError:
                raise
            except Exception as exc:  # noqa: BLE001 - mapped to a status, never leaked
                await _abort(context, exc, ctx, started)
            if log.isEnabledFor(logging.DEBUG):
                log.debug("rpc ok", extra={"ms": round((time.perf_counter() - started) * 1000, 3)})
            return response

    return wrapped


def _wrap_stream(behavior: Callable[..., AsyncIterator[Any]], ctx: request_context.RequestContext):
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        started = time.perf_counter()
        with request_context.request_scope(ctx):
            try:
                async for item in behavior(request, context):
                    yield item
            except grpc.aio.AbortError:
                raise
            except Exception as exc:  # noqa: BLE001
                await _abort(context, exc, ctx, started)

    return wrapped
