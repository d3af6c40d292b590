"""Domain errors: one type per failure, each with a stable machine-readable reason.

Domain code raises these and never imports grpc; `grpc_host.interceptor` maps them once to
a gRPC status with `google.rpc.ErrorInfo` (and `BadRequest` for invalid fields).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Canonical codes (the names of grpc.StatusCode members)."""

    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    ABORTED = "ABORTED"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNAVAILABLE = "UNAVAILABLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    CANCELLED = "CANCELLED"
    INTERNAL = "INTERNAL"


class MemvisorError(Exception):
    """Base of every expected failure. `reason` is UPPER_SNAKE and stable."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        metadata: dict[str, str] | None = None,
        field_violations: list[tuple[str, str]] | None = None,
        code: ErrorCode | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations or [])
        if code is not None:
            self.code = code


class InvalidArgument(MemvisorError):
    """A request field is missing or unacceptable."""

    code = ErrorCode.INVALID_ARGUMENT

    def __init__(self, field: str, description: str, *, reason: str = "INVALID_FIELD") -> None:
        super().__init__(
            f"{field}: {description}",
            reason=reason,
            metadata={"field": field},
            field_violations=[(field, description)],
        )
        self.field = field


class NotFound(MemvisorError):
    """A resource does not exist (for this tenant)."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, resource: str, resource_id: str) -> None:
        super().__init__(
            f"{resource} {resource_id!r} not found",
            reason=f"{resource.upper()}_NOT_FOUND",
            metadata={"resource": resource, "id": resource_id},
        )


class AlreadyExists(MemvisorError):
    """A resource with the same unique key exists."""

    code = ErrorCode.ALREADY_EXISTS

    def __init__(self, resource: str, key: str) -> None:
        super().__init__(
            f"{resource} {key!r} already exists",
            reason=f"{resource.upper()}_ALREADY_EXISTS",
            metadata={"resource": resource, "key": key},
        )


class FailedPrecondition(MemvisorError):
    """The request is valid but the system's state does not allow it."""

    code = ErrorCode.FAILED_PRECONDITION


class Conflict(MemvisorError):
    """Optimistic concurrency: the resource changed since the caller read it."""

    code = ErrorCode.ABORTED

    def __init__(self, message: str, *, reason: str = "VERSION_CONFLICT", **metadata: str) -> None:
        super().__init__(message, reason=reason, metadata=metadata)


class Unavailable(MemvisorError):
    """A dependency (database, peer service, LLM endpoint) cannot be reached now."""

    code = ErrorCode.UNAVAILABLE


def error_from_code(
    code: ErrorCode,
    message: str,
    reason: str,
    metadata: dict[str, str],
    field_violations: list[tuple[str, str]],
) -> MemvisorError:
    """Rebuilds a domain error received from a peer service, keeping its code and reason."""
    classes: dict[ErrorCode, type[MemvisorError]] = {
        ErrorCode.FAILED_PRECONDITION: FailedPrecondition,
        ErrorCode.UNAVAILABLE: Unavailable,
    }
    cls = classes.get(code, MemvisorError)
    return cls(message, reason=reason, metadata=metadata, field_violations=field_violations, code=code)
