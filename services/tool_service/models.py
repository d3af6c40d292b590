"""Tables of the tool registry. Every row carries its tenant; every query filters by it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """The tool-service's own metadata (its tables share a database with other services)."""


class ToolRow(Base):
    __tablename__ = "tool_tools"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_tool_tools_tenant_name"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    source_code: Mapped[str] = mapped_column(Text, nullable=False)
    json_schema: Mapped[str] = mapped_column(Text, nullable=False)
    # Derived at upsert so execution never parses source: does the function take agent_state?
    takes_agent_state: Mapped[bool] = mapped_column(nullable=False, default=False)
    return_char_limit: Mapped[int] = mapped_column(Integer, nullable=False)
    pip_requirements: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    tags: Mapped[list[ToolTagRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ToolTagRow.position"
    )


class ToolTagRow(Base):
    """One row per tag, so ListTools can filter by tag with an index on both dialects."""

    __tablename__ = "tool_tool_tags"
    __table_args__ = (Index("ix_tool_tool_tags_tenant_tag", "tenant_id", "tag"),)

    tool_id: Mapped[str] = mapped_column(String(64), ForeignKey("tool_tools.id", ondelete="CASCADE"),
                                         primary_key=True)
    tag: Mapped[str] = mapped_column(String(256), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
