"""channel providers (which organization is the provider in a channel), workspaces' Grid ids,
and disputes by channel (a channel's provider before providers were kept: its disputes' team)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_providers",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("set_by_team", sa.String(length=32), nullable=True),
        sa.Column("set_by_user", sa.String(length=32), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_providers")),
    )
    with op.batch_alter_table("channel_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_providers_team_id"), ["team_id"], unique=False)
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enterprise_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_channel_id", ["channel_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_channel_id")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("enterprise_id")
    with op.batch_alter_table("channel_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_providers_team_id"))
    op.drop_table("channel_providers")
