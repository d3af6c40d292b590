"""Memory-specific refusals, each with a stable reason the agent loop can branch on."""

from __future__ import annotations

from memvisor_common.errors import ErrorCode, FailedPrecondition, MemvisorError


class BlockLimitExceeded(FailedPrecondition):
    """An edit would make a block's value longer than its character limit."""

    def __init__(self, label: str, length: int, limit: int) -> None:
        super().__init__(
            f"block {label!r} would have {length} characters but its limit is {limit}; "
            "shorten the text or make room first",
            reason="BLOCK_LIMIT_EXCEEDED",
            metadata={"label": label, "length": str(length), "limit": str(limit)},
        )


class BlockReadOnly(FailedPrecondition):
    def __init__(self, label: str) -> None:
        super().__init__(f"block {label!r} is read-only", reason="BLOCK_READ_ONLY", metadata={"label": label})


class TextNotFound(FailedPrecondition):
    def __init__(self, label: str) -> None:
        super().__init__(
            f"old_text does not occur in block {label!r}; copy it exactly from the block",
            reason="TEXT_NOT_FOUND",
            metadata={"label": label},
        )


class TextNotUnique(FailedPrecondition):
    def __init__(self, label: str, count: int) -> None:
        super().__init__(
            f"old_text occurs {count} times in block {label!r}; include more context so it is "
            "unique, or set replace_all",
            reason="TEXT_NOT_UNIQUE",
            metadata={"label": label, "occurrences": str(count)},
        )


class LabelTaken(MemvisorError):
    """Labels are unique among one agent's blocks (agents address blocks by label)."""

    code = ErrorCode.ALREADY_EXISTS

    def __init__(self, agent_id: str, label: str) -> None:
        super().__init__(
            f"agent {agent_id!r} already has a block labelled {label!r}",
            reason="BLOCK_LABEL_ALREADY_EXISTS",
            metadata={"agent_id": agent_id, "label": label},
        )


class AlreadyAttached(MemvisorError):
    code = ErrorCode.ALREADY_EXISTS

    def __init__(self, agent_id: str, block_id: str) -> None:
        super().__init__(
            f"block {block_id!r} is already attached to agent {agent_id!r}",
            reason="BLOCK_ALREADY_ATTACHED",
            metadata={"agent_id": agent_id, "block_id": block_id},
        )


class ToolCallSplit(MemvisorError):
    """A tool call stored or shown without its result (or a result without its call)."""

    code = ErrorCode.INVALID_ARGUMENT

    def __init__(self, field: str, description: str) -> None:
        super().__init__(
            f"{field}: {description}",
            reason="TOOL_CALL_UNPAIRED",
            metadata={"field": field},
            field_violations=[(field, description)],
        )
