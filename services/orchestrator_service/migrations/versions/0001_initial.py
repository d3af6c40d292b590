"""Initial orchestrator schema: agents, agent tags, steps.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orchestrator_agents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("system", sa.Text, nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("embedding", sa.String(256), nullable=False),
        sa.Column("tool_names", sa.JSON, nullable=False),
        sa.Column("tool_rules", sa.JSON, nullable=False),
        sa.Column("context_window_limit", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_orchestrator_agents_tenant_name", "orchestrator_agents", ["tenant_id", "name"])
    op.create_table(
        "orchestrator_agent_tags",
        sa.Column(
            "agent_id",
            sa.String(64),
            sa.ForeignKey("orchestrator_agents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(256), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
    )
    op.create_index("ix_orchestrator_agent_tags_tenant_tag", "orchestrator_agent_tags", ["tenant_id", "tag"])
    op.create_table(
        "orchestrator_steps",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_orchestrator_steps_agent_id", "orchestrator_steps", ["agent_id"])


def downgrade() -> None:
    op.drop_table("orchestrator_steps")
    op.drop_table("orchestrator_agent_tags")
    op.drop_table("orchestrator_agents")
