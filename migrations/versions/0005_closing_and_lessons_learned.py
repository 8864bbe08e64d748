"""closing and lessons learned

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "lessons_learned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("root_cause", sa.String(length=32), nullable=False),
        sa.Column("what_to_change", sa.Text(), nullable=False),
        sa.Column("owner_team", sa.String(length=32), nullable=True),
        sa.Column("owner_user", sa.String(length=32), nullable=True),
        sa.Column("recorded_by_team", sa.String(length=32), nullable=False),
        sa.Column("recorded_by_user", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_lessons_learned_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_learned")),
    )
    with op.batch_alter_table("lessons_learned", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessons_learned_dispute_id"), ["dispute_id"], unique=False)

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_how", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("ended_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("close_requested_side", sa.String(length=16), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_column("close_requested_side")
        batch_op.drop_column("ended_reason")
        batch_op.drop_column("ended_how")

    with op.batch_alter_table("lessons_learned", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_learned_dispute_id"))

    op.drop_table("lessons_learned")
