"""Persistence of agent configurations, tags and steps (sync SQLAlchemy, run via Database.run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from memvisor_common.db import Database
from memvisor_common.errors import NotFound
from orchestrator_service.domain import AgentConfig, ToolRuleSpec
from orchestrator_service.models import AgentRow, AgentTagRow, StepRow


def _to_config(row: Any, tags: list[str]) -> AgentConfig:
    """From an AgentRow entity or a Core row of its table (same attribute names)."""
    return AgentConfig(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        description=row.description,
        system=row.system,
        model=row.model,
        embedding=row.embedding,
        tool_names=list(row.tool_names),
        tool_rules=[ToolRuleSpec.from_json(r) for r in row.tool_rules],
        tags=tags,
        context_window_limit=row.context_window_limit,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class AgentStore:
    """CRUD over agents; every query is scoped to one tenant."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(self, agent: AgentConfig) -> None:
        def work(s: Session) -> None:
            s.add(_row_from(agent))
            s.add_all(AgentTagRow(agent_id=agent.id, tag=t, tenant_id=agent.tenant_id) for t in agent.tags)

        await self.db.run(work)

    async def get(self, tenant_id: str, agent_id: str) -> AgentConfig:
        # Read on every turn: Core rows, not ORM entities (a third of the cost, measured in bench/).
        agents, tags = AgentRow.__table__, AgentTagRow.__table__

        def work(s: Session) -> AgentConfig:
            row = s.execute(
                select(agents).where(agents.c.tenant_id == tenant_id, agents.c.id == agent_id)
            ).first()
            if row is None:
                raise NotFound("agent", agent_id)
            names = s.execute(
                select(tags.c.tag).where(tags.c.agent_id == agent_id).order_by(tags.c.tag)
            ).scalars()
            return _to_config(row, list(names))

        return await self.db.run(work)

    async def list(
        self,
        tenant_id: str,
        *,
        name: str,
        tags: list[str],
        match_all_tags: bool,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[AgentConfig]:
        def work(s: Session) -> list[AgentConfig]:
            q = select(AgentRow).where(AgentRow.tenant_id == tenant_id)
            if name:
                q = q.where(AgentRow.name == name)
            if tags:
                tagged = (
                    select(AgentTagRow.agent_id)
                    .where(AgentTagRow.tenant_id == tenant_id, AgentTagRow.tag.in_(tags))
                    .group_by(AgentTagRow.agent_id)
                )
                if match_all_tags:
                    tagged = tagged.having(func.count(func.distinct(AgentTagRow.tag)) == len(set(tags)))
                q = q.where(AgentRow.id.in_(tagged))
            if after is not None:
                created, agent_id = after
                q = q.where(
                    (AgentRow.created_at > created)
                    | ((AgentRow.created_at == created) & (AgentRow.id > agent_id))
                )
            rows = s.scalars(q.order_by(AgentRow.created_at, AgentRow.id).limit(limit)).all()
            ids = [r.id for r in rows]
            tag_map: dict[str, list[str]] = {i: [] for i in ids}
            if ids:
                for agent_id, tag in s.execute(
                    select(AgentTagRow.agent_id, AgentTagRow.tag)
                    .where(AgentTagRow.agent_id.in_(ids))
                    .order_by(AgentTagRow.tag)
                ):
                    tag_map[agent_id].append(tag)
            return [_to_config(r, tag_map[r.id]) for r in rows]

        return await self.db.run(work)

    async def update(self, agent: AgentConfig) -> None:
        def work(s: Session) -> None:
            row = s.scalar(
                select(AgentRow).where(AgentRow.tenant_id == agent.tenant_id, AgentRow.id == agent.id)
            )
            if row is None:
                raise NotFound("agent", agent.id)
            fresh = _row_from(agent)
            for column in (
                "name",
                "description",
                "system",
                "model",
                "embedding",
                "tool_names",
                "tool_rules",
                "context_window_limit",
                "updated_at",
            ):
                setattr(row, column, getattr(fresh, column))
            s.execute(delete(AgentTagRow).where(AgentTagRow.agent_id == agent.id))
            s.add_all(AgentTagRow(agent_id=agent.id, tag=t, tenant_id=agent.tenant_id) for t in agent.tags)

        await self.db.run(work)

    async def delete(self, tenant_id: str, agent_id: str) -> None:
        def work(s: Session) -> None:
            s.execute(delete(AgentTagRow).where(AgentTagRow.agent_id == agent_id))
            result = s.execute(
                delete(AgentRow).where(AgentRow.tenant_id == tenant_id, AgentRow.id == agent_id)
            )
            if result.rowcount == 0:
                raise NotFound("agent", agent_id)

        await self.db.run(work)

    async def record_steps(self, steps: list[StepRow]) -> None:
        """A turn's steps, written once when the turn ends."""
        if not steps:
            return

        def work(s: Session) -> None:
            s.add_all(steps)

        await self.db.run(work)


def _row_from(agent: AgentConfig) -> AgentRow:
    return AgentRow(
        id=agent.id,
        tenant_id=agent.tenant_id,
        name=agent.name,
        description=agent.description,
        system=agent.system,
        model=agent.model,
        embedding=agent.embedding,
        tool_names=list(agent.tool_names),
        tool_rules=[r.to_json() for r in agent.tool_rules],
        context_window_limit=agent.context_window_limit,
        created_at=agent.created_at,
        updated_at=agent.updated_at,
    )
