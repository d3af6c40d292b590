"""Initial tool-service schema: tools and their tags.

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
        "tool_tools",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source_code", sa.Text, nullable=False),
        sa.Column("json_schema", sa.Text, nullable=False),
        sa.Column("takes_agent_state", sa.Boolean, nullable=False),
        sa.Column("return_char_limit", sa.Integer, nullable=False),
        sa.Column("pip_requirements", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "name", name="uq_tool_tools_tenant_name"),
    )
    op.create_index("ix_tool_tools_tenant_id", "tool_tools", ["tenant_id"])
    op.create_table(
        "tool_tool_tags",
        sa.Column("tool_id", sa.String(64), sa.ForeignKey("tool_tools.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tag", sa.String(256), primary_key=True),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_tool_tool_tags_tenant_tag", "tool_tool_tags", ["tenant_id", "tag"])


def downgrade() -> None:
    op.drop_table("tool_tool_tags")
    op.drop_table("tool_tools")
