"""Initial memory schema: blocks, agents, attachments, messages, full-text search.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_BIG_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)

# External-content FTS5 index over memory_messages.search_text, keyed by memory_messages.pk.
# Only rows with non-empty search_text are indexed; the triggers keep it in the same transaction.
_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE memory_messages_fts USING fts5("
    "search_text, content='memory_messages', content_rowid='pk', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER memory_messages_fts_ai AFTER INSERT ON memory_messages "
    "WHEN new.search_text <> '' BEGIN "
    "INSERT INTO memory_messages_fts(rowid, search_text) VALUES (new.pk, new.search_text); END",
    # An external-content 'delete' must only name rows that were indexed, or the index breaks.
    "CREATE TRIGGER memory_messages_fts_ad AFTER DELETE ON memory_messages "
    "WHEN old.search_text <> '' BEGIN "
    "INSERT INTO memory_messages_fts(memory_messages_fts, rowid, search_text) "
    "VALUES ('delete', old.pk, old.search_text); END",
    "CREATE TRIGGER memory_messages_fts_au AFTER UPDATE OF search_text ON memory_messages BEGIN "
    "INSERT INTO memory_messages_fts(memory_messages_fts, rowid, search_text) "
    "SELECT 'delete', old.pk, old.search_text WHERE old.search_text <> ''; "
    "INSERT INTO memory_messages_fts(rowid, search_text) "
    "SELECT new.pk, new.search_text WHERE new.search_text <> ''; END",
]

_POSTGRES_FTS = [
    # Must be the very expression the search query uses, or the planner ignores the index.
    "CREATE INDEX ix_memory_messages_fts ON memory_messages USING GIN (to_tsvector('english', search_text))",
]


def upgrade() -> None:
    op.create_table(
        "memory_blocks",
        sa.Column("pk", _BIG_PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("label", sa.String(256), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("char_limit", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("read_only", sa.Boolean, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_memory_blocks_tenant_label", "memory_blocks", ["tenant_id", "label"])

    op.create_table(
        "memory_agents",
        sa.Column("tenant_id", sa.String(128), primary_key=True),
        sa.Column("agent_id", sa.String(64), primary_key=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("context_version", sa.BigInteger, nullable=False),
        sa.Column("in_context_ids", sa.JSON, nullable=False),
        sa.Column("last_sequence", sa.BigInteger, nullable=False),
        sa.Column("message_count", sa.BigInteger, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )

    op.create_table(
        "memory_block_attachments",
        sa.Column("tenant_id", sa.String(128), primary_key=True),
        sa.Column("agent_id", sa.String(64), primary_key=True),
        sa.Column(
            "block_id", sa.String(64), sa.ForeignKey("memory_blocks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("label", sa.String(256), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("attached_at", _TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "agent_id", "label", name="uq_memory_block_attachments_agent_label"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["memory_agents.tenant_id", "memory_agents.agent_id"],
            ondelete="CASCADE",
            name="fk_memory_block_attachments_agent",
        ),
    )
    op.create_index(
        "ix_memory_block_attachments_block", "memory_block_attachments", ["tenant_id", "block_id"]
    )

    op.create_table(
        "memory_messages",
        sa.Column("pk", _BIG_PK, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("tool_calls", sa.JSON, nullable=False),
        sa.Column("tool_call_id", sa.String(256), nullable=False),
        sa.Column("tool_name", sa.String(256), nullable=False),
        sa.Column("call_message_id", sa.String(64), nullable=True),
        sa.Column("step_id", sa.String(256), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "agent_id", "sequence", name="uq_memory_messages_agent_sequence"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["memory_agents.tenant_id", "memory_agents.agent_id"],
            ondelete="CASCADE",
            name="fk_memory_messages_agent",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_memory_messages_agent_time", "memory_messages", ["tenant_id", "agent_id", "created_at"]
    )
    op.create_index("ix_memory_messages_call", "memory_messages", ["tenant_id", "call_message_id"])

    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_FTS if dialect == "sqlite" else _POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS memory_messages_fts")
    op.drop_table("memory_messages")
    op.drop_table("memory_block_attachments")
    op.drop_table("memory_agents")
    op.drop_table("memory_blocks")
