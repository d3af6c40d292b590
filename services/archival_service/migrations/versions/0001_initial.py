"""Initial archival schema: archives, passages (+ tags), sources, files, jobs, attachments.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "archival_archives",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("embedding", sa.String(256), nullable=False),
        sa.Column("embedding_model", sa.String(256), nullable=False),
        sa.Column("embedding_dim", sa.Integer, nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("create_time", _TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "agent_id", name="uq_archival_archives_agent"),
    )
    op.create_index("ix_archival_archives_tenant_id", "archival_archives", ["tenant_id"])
    op.create_table(
        "archival_passages",
        sa.Column("row_id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("archive_id", sa.String(64), sa.ForeignKey("archival_archives.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("create_time", _TS, nullable=False),
        sa.Column("client_id", sa.String(256), nullable=True),
        sa.Column("chunk_index", sa.Integer, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("file_id", sa.String(64), nullable=True),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("tenant_id", "archive_id", "client_id", "chunk_index",
                            name="uq_archival_passages_client"),
    )
    op.create_index("ix_archival_passages_archive", "archival_passages", ["tenant_id", "archive_id", "row_id"])
    op.create_index("ix_archival_passages_time", "archival_passages", ["tenant_id", "archive_id", "create_time"])
    op.create_index("ix_archival_passages_file", "archival_passages", ["file_id"])
    op.create_table(
        "archival_passage_tags",
        sa.Column("passage_row_id", _ROW_ID,
                  sa.ForeignKey("archival_passages.row_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(256), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("archive_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_archival_passage_tags_tag", "archival_passage_tags", ["tenant_id", "archive_id", "tag"])
    op.create_table(
        "archival_sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("archive_id", sa.String(64), sa.ForeignKey("archival_archives.id"), nullable=False),
        sa.Column("create_time", _TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "name", name="uq_archival_sources_name"),
    )
    op.create_table(
        "archival_files",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("archival_sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("file_name", sa.String(1024), nullable=False),
        sa.Column("content_type", sa.String(256), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("passage_count", sa.Integer, nullable=False),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("create_time", _TS, nullable=False),
    )
    op.create_index("ix_archival_files_source_id", "archival_files", ["source_id"])
    op.create_table(
        "archival_jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("archival_sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("file_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("failure_reason", sa.Text, nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("total_chunks", sa.Integer, nullable=False),
        sa.Column("processed_chunks", sa.Integer, nullable=False),
        sa.Column("staged_path", sa.Text, nullable=False),
        sa.Column("create_time", _TS, nullable=False),
        sa.Column("update_time", _TS, nullable=False),
        sa.Column("complete_time", _TS, nullable=True),
    )
    op.create_index("ix_archival_jobs_source_id", "archival_jobs", ["source_id"])
    op.create_index("ix_archival_jobs_status", "archival_jobs", ["status"])
    op.create_table(
        "archival_agent_sources",
        sa.Column("tenant_id", sa.String(128), primary_key=True),
        sa.Column("agent_id", sa.String(64), primary_key=True),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("archival_sources.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("create_time", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("archival_agent_sources", "archival_jobs", "archival_files", "archival_sources",
                  "archival_passage_tags", "archival_passages", "archival_archives"):
        op.drop_table(table)
