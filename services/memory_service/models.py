"""Tables the memory service owns. Every row carries tenant_id and every query filters by it.

Blocks and messages have an integer surrogate key (`pk`) besides their public string id: the
SQLite FTS5 index is keyed by it (an implicit rowid could change on VACUUM), and block listings
page by it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only makes "INTEGER PRIMARY KEY" a rowid alias; PostgreSQL wants 64 bits.
BigPk = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class BlockRow(Base):
    __tablename__ = "memory_blocks"
    __table_args__ = (
        Index("ix_memory_blocks_tenant_label", "tenant_id", "label"),
        {"sqlite_autoincrement": True},
    )

    pk: Mapped[int] = mapped_column(BigPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    label: Mapped[str] = mapped_column(String(256))
    value: Mapped[str] = mapped_column(Text)
    # "limit" is an SQL keyword; the column is named for what it counts.
    char_limit: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    read_only: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgentRow(Base):
    """An agent's memory context: exists once CreateAgentMemory ran."""

    __tablename__ = "memory_agents"

    tenant_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    context_version: Mapped[int] = mapped_column(BigInteger)
    in_context_ids: Mapped[list[str]] = mapped_column(JSON)
    # Highest sequence handed out; bumped under the agent row's lock so sequences never collide.
    last_sequence: Mapped[int] = mapped_column(BigInteger)
    message_count: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttachmentRow(Base):
    """Block <-> agent. The label is copied here so the database enforces one label per agent."""

    __tablename__ = "memory_block_attachments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "agent_id", "label", name="uq_memory_block_attachments_agent_label"),
        ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["memory_agents.tenant_id", "memory_agents.agent_id"],
            ondelete="CASCADE",
            name="fk_memory_block_attachments_agent",
        ),
        Index("ix_memory_block_attachments_block", "tenant_id", "block_id"),
    )

    tenant_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    block_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("memory_blocks.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(256))
    position: Mapped[int] = mapped_column(Integer)
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageRow(Base):
    __tablename__ = "memory_messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "agent_id", "sequence", name="uq_memory_messages_agent_sequence"),
        ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["memory_agents.tenant_id", "memory_agents.agent_id"],
            ondelete="CASCADE",
            name="fk_memory_messages_agent",
        ),
        Index("ix_memory_messages_agent_time", "tenant_id", "agent_id", "created_at"),
        Index("ix_memory_messages_call", "tenant_id", "call_message_id"),
        {"sqlite_autoincrement": True},
    )

    pk: Mapped[int] = mapped_column(BigPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    agent_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    tool_call_id: Mapped[str] = mapped_column(String(256))
    tool_name: Mapped[str] = mapped_column(String(256))
    # Tool messages: id of the assistant message holding the call. Provider call ids are not
    # unique across turns (small models and scripted servers reuse "call_1"), so pairing by id.
    call_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    step_id: Mapped[str] = mapped_column(String(256))
    # What full-text search indexes: chat text plus string tool arguments; '' = not indexed.
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
