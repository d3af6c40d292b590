"""Tables the orchestrator owns: agents (configuration), their tags, and steps (usage)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AgentRow(Base):
    __tablename__ = "orchestrator_agents"
    # Names are labels, not keys (as in the best-known peer): replaying a script twice must work.

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    system: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(256))
    embedding: Mapped[str] = mapped_column(String(256))
    tool_names: Mapped[list[str]] = mapped_column(JSON)
    tool_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    context_window_limit: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_orchestrator_agents_tenant_name", "tenant_id", "name"),)


class AgentTagRow(Base):
    __tablename__ = "orchestrator_agent_tags"

    agent_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("orchestrator_agents.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(256), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    __table_args__ = (Index("ix_orchestrator_agent_tags_tenant_tag", "tenant_id", "tag"),)


class StepRow(Base):
    """One LLM call of a turn, with its token usage (the basis for usage reports)."""

    __tablename__ = "orchestrator_steps"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    agent_id: Mapped[str] = mapped_column(String(64), index=True)
    model: Mapped[str] = mapped_column(String(256))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
