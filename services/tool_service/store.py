"""SQL access for the registry. Plain synchronous functions run through `Database.run`.

Every function takes the tenant and filters by it: a tool id from another tenant is simply
not found.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from memvisor_common.ids import new_id
from memvisor_common.timeutil import as_utc, utcnow
from tool_service.domain import ToolDraft, ToolRecord
from tool_service.models import ToolRow, ToolTagRow


def to_record(row: ToolRow) -> ToolRecord:
    return ToolRecord(
        id=row.id, tenant_id=row.tenant_id, name=row.name, description=row.description,
        source_code=row.source_code, json_schema=row.json_schema, takes_agent_state=row.takes_agent_state,
        tags=tuple(t.tag for t in row.tags), return_char_limit=row.return_char_limit,
        pip_requirements=tuple(row.pip_requirements), create_time=as_utc(row.created_at),
        update_time=as_utc(row.updated_at),
    )


def get(session: Session, tenant_id: str, *, tool_id: str = "", name: str = "") -> ToolRecord | None:
    stmt = select(ToolRow).where(ToolRow.tenant_id == tenant_id)
    stmt = stmt.where(ToolRow.id == tool_id) if tool_id else stmt.where(ToolRow.name == name)
    row = session.scalars(stmt).one_or_none()
    return to_record(row) if row else None


def upsert(session: Session, tenant_id: str, draft: ToolDraft) -> tuple[ToolRecord, bool]:
    """Creates the tool or replaces the one with the same name (keeping its id). True if created."""
    now = utcnow()
    row = session.scalars(
        select(ToolRow).where(ToolRow.tenant_id == tenant_id, ToolRow.name == draft.name).with_for_update()
    ).one_or_none()
    created = row is None
    if row is None:
        row = ToolRow(id=new_id("tool"), tenant_id=tenant_id, name=draft.name, created_at=now)
        session.add(row)
    row.description = draft.description
    row.source_code = draft.source_code
    row.json_schema = draft.json_schema
    row.takes_agent_state = draft.takes_agent_state
    row.return_char_limit = draft.return_char_limit
    row.pip_requirements = list(draft.pip_requirements)
    row.updated_at = now
    row.tags = [ToolTagRow(tag=t, tenant_id=tenant_id, position=i) for i, t in enumerate(draft.tags)]
    session.flush()
    return to_record(row), created


def list_page(session: Session, tenant_id: str, *, names: Sequence[str], tags: Sequence[str],
              after_name: str | None, limit: int) -> list[ToolRecord]:
    """Tools ordered by name (unique per tenant, so the name is the cursor); `limit` rows at most."""
    stmt = select(ToolRow).where(ToolRow.tenant_id == tenant_id)
    if names:
        stmt = stmt.where(ToolRow.name.in_(list(names)))
    if tags:
        tagged = select(ToolTagRow.tool_id).where(ToolTagRow.tenant_id == tenant_id,
                                                  ToolTagRow.tag.in_(list(tags)))
        stmt = stmt.where(ToolRow.id.in_(tagged))
    if after_name is not None:
        stmt = stmt.where(ToolRow.name > after_name)
    rows = session.scalars(stmt.order_by(ToolRow.name).limit(limit)).all()
    return [to_record(r) for r in rows]


def delete_tool(session: Session, tenant_id: str, tool_id: str) -> bool:
    # Tags go first explicitly: SQLite enforces ON DELETE CASCADE only with foreign_keys=ON.
    session.execute(delete(ToolTagRow).where(ToolTagRow.tenant_id == tenant_id, ToolTagRow.tool_id == tool_id))
    result = session.execute(delete(ToolRow).where(ToolRow.tenant_id == tenant_id, ToolRow.id == tool_id))
    return bool(result.rowcount)
