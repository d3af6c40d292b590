"""Shared test helpers for the memory service."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import grpc
import pytest
from memvisor.client.errors import DecodedError, decode_rpc_error
from memvisor_common.errors import MemvisorError
from memvisor_common.ids import new_id


def agent_id() -> str:
    return new_id("agent")


async def raises_domain(call: Awaitable[Any], code: str, reason: str) -> MemvisorError:
    """Awaits `call`, which must fail with a domain error of this code and reason."""
    with pytest.raises(MemvisorError) as info:
        await call
    assert info.value.code.value == code, info.value
    assert info.value.reason == reason, info.value
    return info.value


async def raises_rpc(call: Awaitable[Any], code: grpc.StatusCode, reason: str) -> DecodedError:
    """Awaits a stub call, which must fail with this status code and ErrorInfo reason."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    decoded = decode_rpc_error(info.value)
    assert info.value.code() == code, (info.value.code(), decoded)
    assert decoded.reason == reason, decoded
    return decoded
