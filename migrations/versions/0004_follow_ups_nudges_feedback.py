"""follow-ups nudges feedback

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_feedback_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint(
            "dispute_id", "team_id", "user_id", name=op.f("uq_feedback_dispute_id_team_id_user_id")
        ),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_dispute_id"), ["dispute_id"], unique=False)

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("perspectives_nudged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("agreement_nudged_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("perspective_nudge_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agreement_nudge_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("escalation_channel", sa.String(length=32), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_column("escalation_channel")
        batch_op.drop_column("agreement_nudge_days")
        batch_op.drop_column("perspective_nudge_days")

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_column("agreement_nudged_at")
        batch_op.drop_column("perspectives_nudged_at")

    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_dispute_id"))

    op.drop_table("feedback")
