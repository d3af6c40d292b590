import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StopReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STOP_REASON_UNSPECIFIED: _ClassVar[StopReason]
    STOP_REASON_END_TURN: _ClassVar[StopReason]
    STOP_REASON_MAX_STEPS: _ClassVar[StopReason]
    STOP_REASON_ERROR: _ClassVar[StopReason]
    STOP_REASON_LLM_API_ERROR: _ClassVar[StopReason]
    STOP_REASON_INVALID_LLM_RESPONSE: _ClassVar[StopReason]
    STOP_REASON_INVALID_TOOL_CALL: _ClassVar[StopReason]
    STOP_REASON_NO_TOOL_CALL: _ClassVar[StopReason]
    STOP_REASON_TOOL_RULE: _ClassVar[StopReason]
    STOP_REASON_CANCELLED: _ClassVar[StopReason]

class ToolReturnStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOOL_RETURN_STATUS_UNSPECIFIED: _ClassVar[ToolReturnStatus]
    TOOL_RETURN_STATUS_SUCCESS: _ClassVar[ToolReturnStatus]
    TOOL_RETURN_STATUS_ERROR: _ClassVar[ToolReturnStatus]
STOP_REASON_UNSPECIFIED: StopReason
STOP_REASON_END_TURN: StopReason
STOP_REASON_MAX_STEPS: StopReason
STOP_REASON_ERROR: StopReason
STOP_REASON_LLM_API_ERROR: StopReason
STOP_REASON_INVALID_LLM_RESPONSE: StopReason
STOP_REASON_INVALID_TOOL_CALL: StopReason
STOP_REASON_NO_TOOL_CALL: StopReason
STOP_REASON_TOOL_RULE: StopReason
STOP_REASON_CANCELLED: StopReason
TOOL_RETURN_STATUS_UNSPECIFIED: ToolReturnStatus
TOOL_RETURN_STATUS_SUCCESS: ToolReturnStatus
TOOL_RETURN_STATUS_ERROR: ToolReturnStatus

class MessageCreate(_message.Message):
    __slots__ = ("role", "content")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class UserMessage(_message.Message):
    __slots__ = ("content",)
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class ReasoningMessage(_message.Message):
    __slots__ = ("reasoning",)
    REASONING_FIELD_NUMBER: _ClassVar[int]
    reasoning: str
    def __init__(self, reasoning: _Optional[str] = ...) -> None: ...

class ToolCallMessage(_message.Message):
    __slots__ = ("tool_call_id", "name", "arguments")
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    tool_call_id: str
    name: str
    arguments: str
    def __init__(self, tool_call_id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolReturnMessage(_message.Message):
    __slots__ = ("tool_call_id", "name", "status", "tool_return", "stdout", "stderr")
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOOL_RETURN_FIELD_NUMBER: _ClassVar[int]
    STDOUT_FIELD_NUMBER: _ClassVar[int]
    STDERR_FIELD_NUMBER: _ClassVar[int]
    tool_call_id: str
    name: str
    status: ToolReturnStatus
    tool_return: str
    stdout: str
    stderr: str
    def __init__(self, tool_call_id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[_Union[ToolReturnStatus, str]] = ..., tool_return: _Optional[str] = ..., stdout: _Optional[str] = ..., stderr: _Optional[str] = ...) -> None: ...

class AssistantMessage(_message.Message):
    __slots__ = ("content",)
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class AgentMessage(_message.Message):
    __slots__ = ("id", "step_id", "create_time", "user_message", "reasoning_message", "tool_call_message", "tool_return_message", "assistant_message")
    ID_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    USER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASONING_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TOOL_RETURN_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ASSISTANT_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    step_id: str
    create_time: _timestamp_pb2.Timestamp
    user_message: UserMessage
    reasoning_message: ReasoningMessage
    tool_call_message: ToolCallMessage
    tool_return_message: ToolReturnMessage
    assistant_message: AssistantMessage
    def __init__(self, id: _Optional[str] = ..., step_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_message: _Optional[_Union[UserMessage, _Mapping]] = ..., reasoning_message: _Optional[_Union[ReasoningMessage, _Mapping]] = ..., tool_call_message: _Optional[_Union[ToolCallMessage, _Mapping]] = ..., tool_return_message: _Optional[_Union[ToolReturnMessage, _Mapping]] = ..., assistant_message: _Optional[_Union[AssistantMessage, _Mapping]] = ...) -> None: ...

class UsageStatistics(_message.Message):
    __slots__ = ("completion_tokens", "prompt_tokens", "total_tokens", "step_count")
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    STEP_COUNT_FIELD_NUMBER: _ClassVar[int]
    completion_tokens: int
    prompt_tokens: int
    total_tokens: int
    step_count: int
    def __init__(self, completion_tokens: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., step_count: _Optional[int] = ...) -> None: ...
