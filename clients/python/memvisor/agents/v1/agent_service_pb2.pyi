import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from memvisor.agents.v1 import agent_pb2 as _agent_pb2
from memvisor.agents.v1 import agent_message_pb2 as _agent_message_pb2
from memvisor.memory.v1 import block_pb2 as _block_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAgentRequest(_message.Message):
    __slots__ = ("name", "description", "memory_blocks", "block_ids", "system", "model", "embedding", "tool_ids", "tools", "include_base_tools", "tool_rules", "tags", "context_window_limit")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    BLOCK_IDS_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    TOOL_IDS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_BASE_TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_RULES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    memory_blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    block_ids: _containers.RepeatedScalarFieldContainer[str]
    system: str
    model: str
    embedding: str
    tool_ids: _containers.RepeatedScalarFieldContainer[str]
    tools: _containers.RepeatedScalarFieldContainer[str]
    include_base_tools: bool
    tool_rules: _containers.RepeatedCompositeFieldContainer[_agent_pb2.ToolRule]
    tags: _containers.RepeatedScalarFieldContainer[str]
    context_window_limit: int
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., memory_blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ..., block_ids: _Optional[_Iterable[str]] = ..., system: _Optional[str] = ..., model: _Optional[str] = ..., embedding: _Optional[str] = ..., tool_ids: _Optional[_Iterable[str]] = ..., tools: _Optional[_Iterable[str]] = ..., include_base_tools: _Optional[bool] = ..., tool_rules: _Optional[_Iterable[_Union[_agent_pb2.ToolRule, _Mapping]]] = ..., tags: _Optional[_Iterable[str]] = ..., context_window_limit: _Optional[int] = ...) -> None: ...

class CreateAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _agent_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_agent_pb2.Agent, _Mapping]] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _agent_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_agent_pb2.Agent, _Mapping]] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ("name", "tags", "match_all_tags", "page_size", "page_token")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    MATCH_ALL_TAGS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    match_all_tags: bool
    page_size: int
    page_token: str
    def __init__(self, name: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., match_all_tags: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents", "next_page_token")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[_agent_pb2.Agent]
    next_page_token: str
    def __init__(self, agents: _Optional[_Iterable[_Union[_agent_pb2.Agent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAgentRequest(_message.Message):
    __slots__ = ("agent", "update_mask")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    agent: _agent_pb2.Agent
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, agent: _Optional[_Union[_agent_pb2.Agent, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _agent_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_agent_pb2.Agent, _Mapping]] = ...) -> None: ...

class DeleteAgentRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class DeleteAgentResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("agent_id", "messages", "max_steps")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_agent_message_pb2.MessageCreate]
    max_steps: int
    def __init__(self, agent_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_agent_message_pb2.MessageCreate, _Mapping]]] = ..., max_steps: _Optional[int] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("messages", "usage", "stop_reason")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    STOP_REASON_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_agent_message_pb2.AgentMessage]
    usage: _agent_message_pb2.UsageStatistics
    stop_reason: _agent_message_pb2.StopReason
    def __init__(self, messages: _Optional[_Iterable[_Union[_agent_message_pb2.AgentMessage, _Mapping]]] = ..., usage: _Optional[_Union[_agent_message_pb2.UsageStatistics, _Mapping]] = ..., stop_reason: _Optional[_Union[_agent_message_pb2.StopReason, str]] = ...) -> None: ...

class StreamMessageRequest(_message.Message):
    __slots__ = ("agent_id", "messages", "max_steps")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_agent_message_pb2.MessageCreate]
    max_steps: int
    def __init__(self, agent_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_agent_message_pb2.MessageCreate, _Mapping]]] = ..., max_steps: _Optional[int] = ...) -> None: ...

class StreamMessageResponse(_message.Message):
    __slots__ = ("seq_id", "message", "usage", "stop_reason")
    SEQ_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    STOP_REASON_FIELD_NUMBER: _ClassVar[int]
    seq_id: int
    message: _agent_message_pb2.AgentMessage
    usage: _agent_message_pb2.UsageStatistics
    stop_reason: _agent_message_pb2.StopReason
    def __init__(self, seq_id: _Optional[int] = ..., message: _Optional[_Union[_agent_message_pb2.AgentMessage, _Mapping]] = ..., usage: _Optional[_Union[_agent_message_pb2.UsageStatistics, _Mapping]] = ..., stop_reason: _Optional[_Union[_agent_message_pb2.StopReason, str]] = ...) -> None: ...

class GetContextWindowRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetContextWindowResponse(_message.Message):
    __slots__ = ("system_prompt", "message_count", "system_tokens", "message_tokens", "tool_tokens", "context_window_limit", "tools_json")
    SYSTEM_PROMPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOOL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOOLS_JSON_FIELD_NUMBER: _ClassVar[int]
    system_prompt: str
    message_count: int
    system_tokens: int
    message_tokens: int
    tool_tokens: int
    context_window_limit: int
    tools_json: str
    def __init__(self, system_prompt: _Optional[str] = ..., message_count: _Optional[int] = ..., system_tokens: _Optional[int] = ..., message_tokens: _Optional[int] = ..., tool_tokens: _Optional[int] = ..., context_window_limit: _Optional[int] = ..., tools_json: _Optional[str] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("agent_id", "descending", "page_size", "page_token")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCENDING_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    descending: bool
    page_size: int
    page_token: str
    def __init__(self, agent_id: _Optional[str] = ..., descending: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_page_token")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_agent_message_pb2.AgentMessage]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[_agent_message_pb2.AgentMessage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchMessagesRequest(_message.Message):
    __slots__ = ("agent_id", "query", "roles", "start_time", "end_time", "limit")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    query: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    limit: int
    def __init__(self, agent_id: _Optional[str] = ..., query: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class MessageSearchResult(_message.Message):
    __slots__ = ("messages", "score", "role")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_agent_message_pb2.AgentMessage]
    score: float
    role: str
    def __init__(self, messages: _Optional[_Iterable[_Union[_agent_message_pb2.AgentMessage, _Mapping]]] = ..., score: _Optional[float] = ..., role: _Optional[str] = ...) -> None: ...

class SearchMessagesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[MessageSearchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[MessageSearchResult, _Mapping]]] = ...) -> None: ...

class ImportedMessage(_message.Message):
    __slots__ = ("role", "content", "create_time")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImportMessagesRequest(_message.Message):
    __slots__ = ("agent_id", "messages", "add_to_context")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    ADD_TO_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[ImportedMessage]
    add_to_context: bool
    def __init__(self, agent_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ImportedMessage, _Mapping]]] = ..., add_to_context: _Optional[bool] = ...) -> None: ...

class ImportMessagesResponse(_message.Message):
    __slots__ = ("imported_count",)
    IMPORTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    imported_count: int
    def __init__(self, imported_count: _Optional[int] = ...) -> None: ...
