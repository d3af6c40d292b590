"""Schema migrations (Alembic), one history per service, applied at start-up.

Each service keeps its scripts in `<service>/migrations/` and its own version table, so the
services can share one PostgreSQL database (their tables are prefixed) or use their own.
"""

from __future__ import annotations

import zlib

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from memvisor_common.db import Database


def upgrade_to_head(db: Database, script_location: str, version_table: str) -> None:
    """Brings the schema to the newest revision (idempotent; safe with replicas on PostgreSQL)."""
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas starting together must not run the same migration twice.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(version_table.encode())})
        cfg.attributes["connection"] = conn
        cfg.attributes["version_table"] = version_table
        command.upgrade(cfg, "head")


def run_migrations_in_env() -> None:
    """Body of every service's `migrations/env.py`."""
    from alembic import context

    conn = context.config.attributes["connection"]
    context.configure(
        connection=conn,
        version_table=context.config.attributes["version_table"],
        render_as_batch=conn.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
