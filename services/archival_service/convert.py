"""Rows and domain values <-> protobuf messages."""

from __future__ import annotations

from memvisor.archival.v1 import archival_service_pb2 as api
from memvisor.archival.v1 import passage_pb2, source_pb2

from archival_service import source_store
from archival_service.manager import PassageInput, SearchHit
from archival_service.models import ArchiveRow, FileRow, JobRow, PassageRow
from archival_service.source_manager import SourceView
from memvisor_common.timeutil import from_timestamp, to_timestamp

_JOB_STATUS = {
    source_store.PENDING: source_pb2.JOB_STATUS_PENDING,
    source_store.PARSING: source_pb2.JOB_STATUS_PARSING,
    source_store.EMBEDDING: source_pb2.JOB_STATUS_EMBEDDING,
    source_store.COMPLETED: source_pb2.JOB_STATUS_COMPLETED,
    source_store.FAILED: source_pb2.JOB_STATUS_FAILED,
}


def archive_pb(row: ArchiveRow) -> passage_pb2.Archive:
    return passage_pb2.Archive(id=row.id, name=row.name, embedding=row.embedding, embedding_dim=row.embedding_dim,
                               create_time=to_timestamp(row.create_time), embedding_model=row.embedding_model)


def passage_pb(row: PassageRow) -> passage_pb2.Passage:
    return passage_pb2.Passage(
        id=row.id, archive_id=row.archive_id, text=row.text, tags=list(row.tags or []),
        metadata={str(k): str(v) for k, v in (row.meta or {}).items()},
        create_time=to_timestamp(row.create_time), source_id=row.source_id or "", file_id=row.file_id or "",
    )


def hit_pb(hit: SearchHit) -> api.PassageSearchResult:
    return api.PassageSearchResult(passage=passage_pb(hit.passage), score=hit.score)


def passage_input(msg: api.PassageInput) -> PassageInput:
    return PassageInput(
        text=msg.text, tags=list(msg.tags), metadata=dict(msg.metadata),
        create_time=from_timestamp(msg.create_time, msg.HasField("create_time")), client_id=msg.client_id,
    )


def source_pb(view: SourceView) -> source_pb2.Source:
    s = view.source
    return source_pb2.Source(
        id=s.id, name=s.name, description=s.description, embedding=view.archive.embedding,
        embedding_dim=view.archive.embedding_dim, metadata={str(k): str(v) for k, v in (s.meta or {}).items()},
        create_time=to_timestamp(s.create_time), passage_count=view.passage_count, file_count=view.file_count,
    )


def file_pb(row: FileRow) -> source_pb2.FileMetadata:
    return source_pb2.FileMetadata(
        id=row.id, source_id=row.source_id, file_name=row.file_name, content_type=row.content_type,
        size_bytes=row.size_bytes, passage_count=row.passage_count, job_id=row.job_id,
        create_time=to_timestamp(row.create_time),
    )


def job_pb(row: JobRow) -> source_pb2.Job:
    return source_pb2.Job(
        id=row.id, source_id=row.source_id, file_id=row.file_id,
        status=_JOB_STATUS.get(row.status, source_pb2.JOB_STATUS_UNSPECIFIED),
        failure_reason=row.failure_reason, progress=row.progress, total_chunks=row.total_chunks,
        processed_chunks=row.processed_chunks, create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time), complete_time=to_timestamp(row.complete_time),
    )
