"""Alembic environment of the archival-service (shared body in memvisor_common)."""

from memvisor_common.migrations import run_migrations_in_env

run_migrations_in_env()
