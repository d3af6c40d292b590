"""Errors raised by the client, decoded from the server's google.rpc.Status details.

Branch on `reason` (stable, UPPER_SNAKE) or the exception class, never on the message text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class DecodedError:
    """What the server said about a failed call."""

    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    field_violations: list[tuple[str, str]] = field(default_factory=list)


def decode_rpc_error(exc: grpc.RpcError) -> DecodedError:
    """Reads ErrorInfo and BadRequest out of a failed call's trailing metadata."""
    details = exc.details() if hasattr(exc, "details") else str(exc)
    trailers = exc.trailing_metadata() if hasattr(exc, "trailing_metadata") else None
    raw = next((v for k, v in (trailers or ()) if k == _STATUS_DETAILS_KEY), None)
    if raw is None:
        return DecodedError(message=details or "")
    status = status_pb2.Status.FromString(raw)
    reason, domain, metadata, violations = "", "", {}, []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = [(v.field, v.description) for v in bad.field_violations]
    return DecodedError(status.message, reason, domain, metadata, violations)


class MemvisorError(Exception):
    """A call failed. `code` is the gRPC status code, `reason` the server's stable reason."""

    def __init__(self, code: grpc.StatusCode, decoded: DecodedError) -> None:
        super().__init__(
            f"{code.name}: {decoded.message}" + (f" [{decoded.reason}]" if decoded.reason else "")
        )
        self.code = code
        self.message = decoded.message
        self.reason = decoded.reason
        self.domain = decoded.domain
        self.metadata = decoded.metadata
        self.field_violations = decoded.field_violations


class InvalidArgumentError(MemvisorError):
    """The request was malformed; `field_violations` says which field and why."""


class NotFoundError(MemvisorError):
    """A resource named in the request does not exist."""


class ConflictError(MemvisorError):
    """The resource changed concurrently (ABORTED) or already exists (ALREADY_EXISTS)."""


class FailedPreconditionError(MemvisorError):
    """The request is valid but the current state forbids it (e.g. a read-only block)."""


class UnavailableError(MemvisorError):
    """The server or one of its dependencies cannot be reached; retrying may help."""


_BY_CODE: dict[grpc.StatusCode, type[MemvisorError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ABORTED: ConflictError,
    grpc.StatusCode.ALREADY_EXISTS: ConflictError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
}


def from_rpc_error(exc: grpc.RpcError) -> MemvisorError:
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    return _BY_CODE.get(code, MemvisorError)(code, decode_rpc_error(exc))
