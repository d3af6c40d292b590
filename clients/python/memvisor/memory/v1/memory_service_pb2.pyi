import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from memvisor.memory.v1 import block_pb2 as _block_pb2
from memvisor.memory.v1 import message_pb2 as _message_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateBlockRequest(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class CreateBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class GetBlockRequest(_message.Message):
    __slots__ = ("selector",)
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ...) -> None: ...

class GetBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class ListBlocksRequest(_message.Message):
    __slots__ = ("agent_id", "label", "page_size", "page_token")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    label: str
    page_size: int
    page_token: str
    def __init__(self, agent_id: _Optional[str] = ..., label: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBlocksResponse(_message.Message):
    __slots__ = ("blocks", "next_page_token")
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    next_page_token: str
    def __init__(self, blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateBlockRequest(_message.Message):
    __slots__ = ("selector", "block", "update_mask", "expected_version")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    block: _block_pb2.Block
    update_mask: _field_mask_pb2.FieldMask
    expected_version: int
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ..., block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class UpdateBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class DeleteBlockRequest(_message.Message):
    __slots__ = ("block_id",)
    BLOCK_ID_FIELD_NUMBER: _ClassVar[int]
    block_id: str
    def __init__(self, block_id: _Optional[str] = ...) -> None: ...

class DeleteBlockResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AppendToBlockRequest(_message.Message):
    __slots__ = ("selector", "text", "expected_version", "enforce_read_only")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENFORCE_READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    text: str
    expected_version: int
    enforce_read_only: bool
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ..., text: _Optional[str] = ..., expected_version: _Optional[int] = ..., enforce_read_only: _Optional[bool] = ...) -> None: ...

class AppendToBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class ReplaceInBlockRequest(_message.Message):
    __slots__ = ("selector", "old_text", "new_text", "replace_all", "expected_version", "enforce_read_only")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    OLD_TEXT_FIELD_NUMBER: _ClassVar[int]
    NEW_TEXT_FIELD_NUMBER: _ClassVar[int]
    REPLACE_ALL_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENFORCE_READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    old_text: str
    new_text: str
    replace_all: bool
    expected_version: int
    enforce_read_only: bool
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ..., old_text: _Optional[str] = ..., new_text: _Optional[str] = ..., replace_all: _Optional[bool] = ..., expected_version: _Optional[int] = ..., enforce_read_only: _Optional[bool] = ...) -> None: ...

class ReplaceInBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class InsertIntoBlockRequest(_message.Message):
    __slots__ = ("selector", "text", "line", "expected_version", "enforce_read_only")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENFORCE_READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    text: str
    line: int
    expected_version: int
    enforce_read_only: bool
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ..., text: _Optional[str] = ..., line: _Optional[int] = ..., expected_version: _Optional[int] = ..., enforce_read_only: _Optional[bool] = ...) -> None: ...

class InsertIntoBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class RethinkBlockRequest(_message.Message):
    __slots__ = ("selector", "value", "expected_version", "enforce_read_only")
    SELECTOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENFORCE_READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    selector: _block_pb2.BlockSelector
    value: str
    expected_version: int
    enforce_read_only: bool
    def __init__(self, selector: _Optional[_Union[_block_pb2.BlockSelector, _Mapping]] = ..., value: _Optional[str] = ..., expected_version: _Optional[int] = ..., enforce_read_only: _Optional[bool] = ...) -> None: ...

class RethinkBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class AttachBlockRequest(_message.Message):
    __slots__ = ("agent_id", "block_id")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    BLOCK_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    block_id: str
    def __init__(self, agent_id: _Optional[str] = ..., block_id: _Optional[str] = ...) -> None: ...

class AttachBlockResponse(_message.Message):
    __slots__ = ("block",)
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    block: _block_pb2.Block
    def __init__(self, block: _Optional[_Union[_block_pb2.Block, _Mapping]] = ...) -> None: ...

class DetachBlockRequest(_message.Message):
    __slots__ = ("agent_id", "block_id")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    BLOCK_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    block_id: str
    def __init__(self, agent_id: _Optional[str] = ..., block_id: _Optional[str] = ...) -> None: ...

class DetachBlockResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateAgentMemoryRequest(_message.Message):
    __slots__ = ("agent_id", "blocks", "block_ids")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    BLOCK_IDS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    block_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, agent_id: _Optional[str] = ..., blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ..., block_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateAgentMemoryResponse(_message.Message):
    __slots__ = ("blocks",)
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    def __init__(self, blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ...) -> None: ...

class GetAgentMemoryRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetAgentMemoryResponse(_message.Message):
    __slots__ = ("blocks", "in_context_messages", "summary", "recall_message_count", "context_version")
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    IN_CONTEXT_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECALL_MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_VERSION_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    in_context_messages: _containers.RepeatedCompositeFieldContainer[_message_pb2.Message]
    summary: str
    recall_message_count: int
    context_version: int
    def __init__(self, blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ..., in_context_messages: _Optional[_Iterable[_Union[_message_pb2.Message, _Mapping]]] = ..., summary: _Optional[str] = ..., recall_message_count: _Optional[int] = ..., context_version: _Optional[int] = ...) -> None: ...

class DeleteAgentMemoryRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class DeleteAgentMemoryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AppendMessagesRequest(_message.Message):
    __slots__ = ("agent_id", "messages", "add_to_context")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    ADD_TO_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_message_pb2.Message]
    add_to_context: bool
    def __init__(self, agent_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_message_pb2.Message, _Mapping]]] = ..., add_to_context: _Optional[bool] = ...) -> None: ...

class AppendMessagesResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_message_pb2.Message]
    def __init__(self, messages: _Optional[_Iterable[_Union[_message_pb2.Message, _Mapping]]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("agent_id", "roles", "start_time", "end_time", "descending", "page_size", "page_token")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCENDING_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    roles: _containers.RepeatedScalarFieldContainer[_message_pb2.MessageRole]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    descending: bool
    page_size: int
    page_token: str
    def __init__(self, agent_id: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_message_pb2.MessageRole, str]]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., descending: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_page_token")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_message_pb2.Message]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[_message_pb2.Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

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
    roles: _containers.RepeatedScalarFieldContainer[_message_pb2.MessageRole]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    limit: int
    def __init__(self, agent_id: _Optional[str] = ..., query: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_message_pb2.MessageRole, str]]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class MessageSearchResult(_message.Message):
    __slots__ = ("message", "score")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    message: _message_pb2.Message
    score: float
    def __init__(self, message: _Optional[_Union[_message_pb2.Message, _Mapping]] = ..., score: _Optional[float] = ...) -> None: ...

class SearchMessagesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[MessageSearchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[MessageSearchResult, _Mapping]]] = ...) -> None: ...

class SetContextWindowRequest(_message.Message):
    __slots__ = ("agent_id", "message_ids", "summary", "expected_context_version")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CONTEXT_VERSION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    message_ids: _containers.RepeatedScalarFieldContainer[str]
    summary: str
    expected_context_version: int
    def __init__(self, agent_id: _Optional[str] = ..., message_ids: _Optional[_Iterable[str]] = ..., summary: _Optional[str] = ..., expected_context_version: _Optional[int] = ...) -> None: ...

class SetContextWindowResponse(_message.Message):
    __slots__ = ("context_version",)
    CONTEXT_VERSION_FIELD_NUMBER: _ClassVar[int]
    context_version: int
    def __init__(self, context_version: _Optional[int] = ...) -> None: ...
