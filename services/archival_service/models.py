"""SQL tables of the archival-service: the source of truth (vector indexes are derived from them).

Every table carries tenant_id and every query filters by it. Passages keep their embedding
(float32 bytes) so an index can be rebuilt or reconciled without calling a model again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of this service only (its own migration history)."""


class ArchiveRow(Base):
    __tablename__ = "archival_archives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(256))
    # What the caller asked for, and what actually computes the vectors (fixed for life).
    embedding: Mapped[str] = mapped_column(String(256))
    embedding_model: Mapped[str] = mapped_column(String(256))
    embedding_dim: Mapped[int] = mapped_column(Integer)
    # Exactly one of these owns the archive: an agent (its own archive) or a source.
    agent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("tenant_id", "agent_id", name="uq_archival_archives_agent"),)


class PassageRow(Base):
    __tablename__ = "archival_passages"

    # Integer key doubles as the vector id in the FAISS index (which needs int64 ids).
    row_id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    archive_id: Mapped[str] = mapped_column(ForeignKey("archival_archives.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    chunk_index: Mapped[int] = mapped_column(Integer, default=0)
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        UniqueConstraint("tenant_id", "archive_id", "client_id", "chunk_index", name="uq_archival_passages_client"),
        Index("ix_archival_passages_archive", "tenant_id", "archive_id", "row_id"),
        Index("ix_archival_passages_time", "tenant_id", "archive_id", "create_time"),
        Index("ix_archival_passages_file", "file_id"),
    )


class PassageTagRow(Base):
    """One row per (passage, tag): portable any/all tag filters on both databases."""

    __tablename__ = "archival_passage_tags"

    passage_row_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("archival_passages.row_id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(256), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    archive_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_archival_passage_tags_tag", "tenant_id", "archive_id", "tag"),)


class SourceRow(Base):
    __tablename__ = "archival_sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    archive_id: Mapped[str] = mapped_column(ForeignKey("archival_archives.id"))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_archival_sources_name"),)


class FileRow(Base):
    __tablename__ = "archival_files"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    source_id: Mapped[str] = mapped_column(ForeignKey("archival_sources.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(1024))
    content_type: Mapped[str] = mapped_column(String(256), default="")
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    passage_count: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobRow(Base):
    __tablename__ = "archival_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    source_id: Mapped[str] = mapped_column(ForeignKey("archival_sources.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    total_chunks: Mapped[int] = mapped_column(Integer, default=0)
    processed_chunks: Mapped[int] = mapped_column(Integer, default=0)
    # Where the uploaded bytes wait until the job finishes (lets a restart resume it).
    staged_path: Mapped[str] = mapped_column(Text, default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    complete_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AgentSourceRow(Base):
    __tablename__ = "archival_agent_sources"

    tenant_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[str] = mapped_column(
        ForeignKey("archival_sources.id", ondelete="CASCADE"), primary_key=True
    )
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
