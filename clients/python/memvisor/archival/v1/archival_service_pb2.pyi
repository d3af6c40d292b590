import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from memvisor.archival.v1 import passage_pb2 as _passage_pb2
from memvisor.archival.v1 import source_pb2 as _source_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TagMatchMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TAG_MATCH_MODE_UNSPECIFIED: _ClassVar[TagMatchMode]
    TAG_MATCH_MODE_ANY: _ClassVar[TagMatchMode]
    TAG_MATCH_MODE_ALL: _ClassVar[TagMatchMode]
TAG_MATCH_MODE_UNSPECIFIED: TagMatchMode
TAG_MATCH_MODE_ANY: TagMatchMode
TAG_MATCH_MODE_ALL: TagMatchMode

class CreateAgentArchiveRequest(_message.Message):
    __slots__ = ("agent_id", "embedding")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    embedding: str
    def __init__(self, agent_id: _Optional[str] = ..., embedding: _Optional[str] = ...) -> None: ...

class CreateAgentArchiveResponse(_message.Message):
    __slots__ = ("archive",)
    ARCHIVE_FIELD_NUMBER: _ClassVar[int]
    archive: _passage_pb2.Archive
    def __init__(self, archive: _Optional[_Union[_passage_pb2.Archive, _Mapping]] = ...) -> None: ...

class DeleteAgentArchivalRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class DeleteAgentArchivalResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetArchivalStatsRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetArchivalStatsResponse(_message.Message):
    __slots__ = ("passage_count", "source_passage_count", "tags")
    PASSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PASSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    passage_count: int
    source_passage_count: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, passage_count: _Optional[int] = ..., source_passage_count: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class PassageInput(_message.Message):
    __slots__ = ("text", "tags", "metadata", "create_time", "client_id")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    text: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    metadata: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    client_id: str
    def __init__(self, text: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., metadata: _Optional[_Mapping[str, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., client_id: _Optional[str] = ...) -> None: ...

class InsertPassagesRequest(_message.Message):
    __slots__ = ("agent_id", "passages")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    passages: _containers.RepeatedCompositeFieldContainer[PassageInput]
    def __init__(self, agent_id: _Optional[str] = ..., passages: _Optional[_Iterable[_Union[PassageInput, _Mapping]]] = ...) -> None: ...

class InsertPassagesResponse(_message.Message):
    __slots__ = ("passages",)
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    passages: _containers.RepeatedCompositeFieldContainer[_passage_pb2.Passage]
    def __init__(self, passages: _Optional[_Iterable[_Union[_passage_pb2.Passage, _Mapping]]] = ...) -> None: ...

class SearchPassagesRequest(_message.Message):
    __slots__ = ("agent_id", "query", "top_k", "tags", "tag_match_mode", "start_time", "end_time")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TAG_MATCH_MODE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    query: str
    top_k: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    tag_match_mode: TagMatchMode
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, agent_id: _Optional[str] = ..., query: _Optional[str] = ..., top_k: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ..., tag_match_mode: _Optional[_Union[TagMatchMode, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PassageSearchResult(_message.Message):
    __slots__ = ("passage", "score")
    PASSAGE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    passage: _passage_pb2.Passage
    score: float
    def __init__(self, passage: _Optional[_Union[_passage_pb2.Passage, _Mapping]] = ..., score: _Optional[float] = ...) -> None: ...

class SearchPassagesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[PassageSearchResult]
    def __init__(self, results: _Optional[_Iterable[_Union[PassageSearchResult, _Mapping]]] = ...) -> None: ...

class ListPassagesRequest(_message.Message):
    __slots__ = ("agent_id", "page_size", "page_token")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    page_size: int
    page_token: str
    def __init__(self, agent_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPassagesResponse(_message.Message):
    __slots__ = ("passages", "next_page_token")
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    passages: _containers.RepeatedCompositeFieldContainer[_passage_pb2.Passage]
    next_page_token: str
    def __init__(self, passages: _Optional[_Iterable[_Union[_passage_pb2.Passage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeletePassageRequest(_message.Message):
    __slots__ = ("passage_id",)
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    def __init__(self, passage_id: _Optional[str] = ...) -> None: ...

class DeletePassageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateSourceRequest(_message.Message):
    __slots__ = ("name", "description", "embedding", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    embedding: str
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., embedding: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateSourceResponse(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: _source_pb2.Source
    def __init__(self, source: _Optional[_Union[_source_pb2.Source, _Mapping]] = ...) -> None: ...

class GetSourceRequest(_message.Message):
    __slots__ = ("source_id",)
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    def __init__(self, source_id: _Optional[str] = ...) -> None: ...

class GetSourceResponse(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: _source_pb2.Source
    def __init__(self, source: _Optional[_Union[_source_pb2.Source, _Mapping]] = ...) -> None: ...

class ListSourcesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSourcesResponse(_message.Message):
    __slots__ = ("sources", "next_page_token")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[_source_pb2.Source]
    next_page_token: str
    def __init__(self, sources: _Optional[_Iterable[_Union[_source_pb2.Source, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteSourceRequest(_message.Message):
    __slots__ = ("source_id",)
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    def __init__(self, source_id: _Optional[str] = ...) -> None: ...

class DeleteSourceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadFileHeader(_message.Message):
    __slots__ = ("source_id", "file_name", "content_type")
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    file_name: str
    content_type: str
    def __init__(self, source_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...

class UploadFileRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: UploadFileHeader
    chunk: bytes
    def __init__(self, header: _Optional[_Union[UploadFileHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class UploadFileResponse(_message.Message):
    __slots__ = ("file", "job")
    FILE_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    file: _source_pb2.FileMetadata
    job: _source_pb2.Job
    def __init__(self, file: _Optional[_Union[_source_pb2.FileMetadata, _Mapping]] = ..., job: _Optional[_Union[_source_pb2.Job, _Mapping]] = ...) -> None: ...

class ListSourceFilesRequest(_message.Message):
    __slots__ = ("source_id", "page_size", "page_token")
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    page_size: int
    page_token: str
    def __init__(self, source_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSourceFilesResponse(_message.Message):
    __slots__ = ("files", "next_page_token")
    FILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    files: _containers.RepeatedCompositeFieldContainer[_source_pb2.FileMetadata]
    next_page_token: str
    def __init__(self, files: _Optional[_Iterable[_Union[_source_pb2.FileMetadata, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _source_pb2.Job
    def __init__(self, job: _Optional[_Union[_source_pb2.Job, _Mapping]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _source_pb2.Job
    def __init__(self, job: _Optional[_Union[_source_pb2.Job, _Mapping]] = ...) -> None: ...

class AttachSourceRequest(_message.Message):
    __slots__ = ("agent_id", "source_id")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    source_id: str
    def __init__(self, agent_id: _Optional[str] = ..., source_id: _Optional[str] = ...) -> None: ...

class AttachSourceResponse(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: _source_pb2.Source
    def __init__(self, source: _Optional[_Union[_source_pb2.Source, _Mapping]] = ...) -> None: ...

class DetachSourceRequest(_message.Message):
    __slots__ = ("agent_id", "source_id")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    source_id: str
    def __init__(self, agent_id: _Optional[str] = ..., source_id: _Optional[str] = ...) -> None: ...

class DetachSourceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAgentSourcesRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class ListAgentSourcesResponse(_message.Message):
    __slots__ = ("sources",)
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[_source_pb2.Source]
    def __init__(self, sources: _Optional[_Iterable[_Union[_source_pb2.Source, _Mapping]]] = ...) -> None: ...

class EmbedRequest(_message.Message):
    __slots__ = ("embedding", "texts")
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    embedding: str
    texts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, embedding: _Optional[str] = ..., texts: _Optional[_Iterable[str]] = ...) -> None: ...

class Embedding(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class EmbedResponse(_message.Message):
    __slots__ = ("embeddings", "dimension", "model")
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    embeddings: _containers.RepeatedCompositeFieldContainer[Embedding]
    dimension: int
    model: str
    def __init__(self, embeddings: _Optional[_Iterable[_Union[Embedding, _Mapping]]] = ..., dimension: _Optional[int] = ..., model: _Optional[str] = ...) -> None: ...
