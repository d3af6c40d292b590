"""Helpers for archival tests: stubs, error decoding, ids, a tiny PDF writer."""

from __future__ import annotations

import uuid

import grpc
from memvisor.archival.v1 import archival_service_pb2_grpc as api_grpc
from memvisor.client.errors import decode_rpc_error
from memvisor_suite.sample_documents import make_pdf  # noqa: F401 - re-exported for the tests


def agent_id() -> str:
    return f"agent-{uuid.uuid4()}"


def stub(port: int) -> tuple[grpc.aio.Channel, api_grpc.ArchivalServiceStub]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return channel, api_grpc.ArchivalServiceStub(channel)


async def expect_error(call, code: grpc.StatusCode, reason: str | None = None) -> grpc.aio.AioRpcError:
    """Awaits `call`, asserting it fails with `code` (and ErrorInfo `reason`)."""
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == code, (exc.code(), exc.details())
        if reason is not None:
            assert decode_rpc_error(exc).reason == reason, decode_rpc_error(exc)
        return exc
    raise AssertionError(f"expected {code.name}")
