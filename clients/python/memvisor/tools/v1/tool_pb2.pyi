import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExecutionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXECUTION_STATUS_UNSPECIFIED: _ClassVar[ExecutionStatus]
    EXECUTION_STATUS_SUCCESS: _ClassVar[ExecutionStatus]
    EXECUTION_STATUS_ERROR: _ClassVar[ExecutionStatus]
    EXECUTION_STATUS_TIMEOUT: _ClassVar[ExecutionStatus]
    EXECUTION_STATUS_CRASHED: _ClassVar[ExecutionStatus]

class SandboxIsolation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SANDBOX_ISOLATION_UNSPECIFIED: _ClassVar[SandboxIsolation]
    SANDBOX_ISOLATION_BWRAP: _ClassVar[SandboxIsolation]
    SANDBOX_ISOLATION_PROCESS_LIMITS: _ClassVar[SandboxIsolation]
EXECUTION_STATUS_UNSPECIFIED: ExecutionStatus
EXECUTION_STATUS_SUCCESS: ExecutionStatus
EXECUTION_STATUS_ERROR: ExecutionStatus
EXECUTION_STATUS_TIMEOUT: ExecutionStatus
EXECUTION_STATUS_CRASHED: ExecutionStatus
SANDBOX_ISOLATION_UNSPECIFIED: SandboxIsolation
SANDBOX_ISOLATION_BWRAP: SandboxIsolation
SANDBOX_ISOLATION_PROCESS_LIMITS: SandboxIsolation

class Tool(_message.Message):
    __slots__ = ("id", "name", "description", "source_code", "json_schema", "tags", "return_char_limit", "pip_requirements", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CODE_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    RETURN_CHAR_LIMIT_FIELD_NUMBER: _ClassVar[int]
    PIP_REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    source_code: str
    json_schema: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    return_char_limit: int
    pip_requirements: _containers.RepeatedScalarFieldContainer[str]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., source_code: _Optional[str] = ..., json_schema: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., return_char_limit: _Optional[int] = ..., pip_requirements: _Optional[_Iterable[str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AgentState(_message.Message):
    __slots__ = ("id", "name", "tags", "memory")
    class MemoryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    memory: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., memory: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ExecutionResult(_message.Message):
    __slots__ = ("status", "return_value", "stdout", "stderr", "error", "duration_ms", "output_truncated", "return_value_truncated")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RETURN_VALUE_FIELD_NUMBER: _ClassVar[int]
    STDOUT_FIELD_NUMBER: _ClassVar[int]
    STDERR_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    RETURN_VALUE_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    status: ExecutionStatus
    return_value: str
    stdout: str
    stderr: str
    error: str
    duration_ms: float
    output_truncated: bool
    return_value_truncated: bool
    def __init__(self, status: _Optional[_Union[ExecutionStatus, str]] = ..., return_value: _Optional[str] = ..., stdout: _Optional[str] = ..., stderr: _Optional[str] = ..., error: _Optional[str] = ..., duration_ms: _Optional[float] = ..., output_truncated: _Optional[bool] = ..., return_value_truncated: _Optional[bool] = ...) -> None: ...

class SandboxStatus(_message.Message):
    __slots__ = ("isolation", "network_isolated", "filesystem_isolated", "user_separated", "warm_workers", "pool_size", "timeout_seconds", "cpu_seconds", "memory_bytes", "max_processes", "client_target", "notes")
    ISOLATION_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ISOLATED_FIELD_NUMBER: _ClassVar[int]
    FILESYSTEM_ISOLATED_FIELD_NUMBER: _ClassVar[int]
    USER_SEPARATED_FIELD_NUMBER: _ClassVar[int]
    WARM_WORKERS_FIELD_NUMBER: _ClassVar[int]
    POOL_SIZE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CPU_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_PROCESSES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_TARGET_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    isolation: SandboxIsolation
    network_isolated: bool
    filesystem_isolated: bool
    user_separated: bool
    warm_workers: int
    pool_size: int
    timeout_seconds: float
    cpu_seconds: int
    memory_bytes: int
    max_processes: int
    client_target: str
    notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, isolation: _Optional[_Union[SandboxIsolation, str]] = ..., network_isolated: _Optional[bool] = ..., filesystem_isolated: _Optional[bool] = ..., user_separated: _Optional[bool] = ..., warm_workers: _Optional[int] = ..., pool_size: _Optional[int] = ..., timeout_seconds: _Optional[float] = ..., cpu_seconds: _Optional[int] = ..., memory_bytes: _Optional[int] = ..., max_processes: _Optional[int] = ..., client_target: _Optional[str] = ..., notes: _Optional[_Iterable[str]] = ...) -> None: ...
