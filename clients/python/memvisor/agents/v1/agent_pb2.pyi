import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from memvisor.memory.v1 import block_pb2 as _block_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ToolRuleType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOOL_RULE_TYPE_UNSPECIFIED: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_RUN_FIRST: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_EXIT_LOOP: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_CONTINUE_LOOP: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_CONSTRAIN_CHILD_TOOLS: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_PARENT_LAST_TOOL: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_CONDITIONAL: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_MAX_COUNT_PER_STEP: _ClassVar[ToolRuleType]
    TOOL_RULE_TYPE_REQUIRED_BEFORE_EXIT: _ClassVar[ToolRuleType]
TOOL_RULE_TYPE_UNSPECIFIED: ToolRuleType
TOOL_RULE_TYPE_RUN_FIRST: ToolRuleType
TOOL_RULE_TYPE_EXIT_LOOP: ToolRuleType
TOOL_RULE_TYPE_CONTINUE_LOOP: ToolRuleType
TOOL_RULE_TYPE_CONSTRAIN_CHILD_TOOLS: ToolRuleType
TOOL_RULE_TYPE_PARENT_LAST_TOOL: ToolRuleType
TOOL_RULE_TYPE_CONDITIONAL: ToolRuleType
TOOL_RULE_TYPE_MAX_COUNT_PER_STEP: ToolRuleType
TOOL_RULE_TYPE_REQUIRED_BEFORE_EXIT: ToolRuleType

class ToolRule(_message.Message):
    __slots__ = ("type", "tool_name", "children", "child_output_mapping", "default_child", "require_output_mapping", "max_count_limit")
    class ChildOutputMappingEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    CHILD_OUTPUT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CHILD_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_OUTPUT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    MAX_COUNT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    type: ToolRuleType
    tool_name: str
    children: _containers.RepeatedScalarFieldContainer[str]
    child_output_mapping: _containers.ScalarMap[str, str]
    default_child: str
    require_output_mapping: bool
    max_count_limit: int
    def __init__(self, type: _Optional[_Union[ToolRuleType, str]] = ..., tool_name: _Optional[str] = ..., children: _Optional[_Iterable[str]] = ..., child_output_mapping: _Optional[_Mapping[str, str]] = ..., default_child: _Optional[str] = ..., require_output_mapping: _Optional[bool] = ..., max_count_limit: _Optional[int] = ...) -> None: ...

class Agent(_message.Message):
    __slots__ = ("id", "name", "description", "system", "model", "embedding", "tool_names", "tool_rules", "tags", "context_window_limit", "blocks", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    TOOL_RULES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    system: str
    model: str
    embedding: str
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    tool_rules: _containers.RepeatedCompositeFieldContainer[ToolRule]
    tags: _containers.RepeatedScalarFieldContainer[str]
    context_window_limit: int
    blocks: _containers.RepeatedCompositeFieldContainer[_block_pb2.Block]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., system: _Optional[str] = ..., model: _Optional[str] = ..., embedding: _Optional[str] = ..., tool_names: _Optional[_Iterable[str]] = ..., tool_rules: _Optional[_Iterable[_Union[ToolRule, _Mapping]]] = ..., tags: _Optional[_Iterable[str]] = ..., context_window_limit: _Optional[int] = ..., blocks: _Optional[_Iterable[_Union[_block_pb2.Block, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
