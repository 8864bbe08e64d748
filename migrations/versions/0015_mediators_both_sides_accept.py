"""mediators both sides accept: mediator requests, and which sides accepted each mediator

Existing mediators were accepted by the side of the party who brought them in (the only
acceptance there was); where that party cannot be found, by nobody.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The table as this migration knows it, whatever the model says later.
parties = sa.table(
    "parties",
    sa.column("id", sa.Integer),
    sa.column("dispute_id", sa.Integer),
    sa.column("user_id", sa.String),
    sa.column("side", sa.String),
    sa.column("added_by_user", sa.String),
    sa.column("accepted_by", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "mediator_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("from_side", sa.String(length=16), nullable=True),
        sa.Column("requested_side", sa.String(length=16), nullable=False),
        sa.Column("requested_by_team", sa.String(length=32), nullable=False),
        sa.Column("requested_by_user", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_team", sa.String(length=32), nullable=True),
        sa.Column("decided_by_user", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_mediator_requests_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_requests")),
    )
    with op.batch_alter_table("mediator_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediator_requests_dispute_id"), ["dispute_id"], unique=False)
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_by", sa.String(length=32), nullable=True))
    bringer = parties.alias("bringer")
    side_of_bringer = (
        sa.select(bringer.c.side)
        .where(
            bringer.c.dispute_id == parties.c.dispute_id,
            bringer.c.user_id == parties.c.added_by_user,
            bringer.c.side != "mediator",
        )
        .limit(1)
        .scalar_subquery()
    )
    op.get_bind().execute(
        parties.update().where(parties.c.side == "mediator").values(accepted_by=side_of_bringer)
    )


def downgrade() -> None:
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_column("accepted_by")
    with op.batch_alter_table("mediator_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediator_requests_dispute_id"))
    op.drop_table("mediator_requests")
