"""calendars: each organization's working days, hours, time zone and holidays, and what Slack
says of its people's time zone and locale; the
turns a dispute waited on each side for, which the fair clock counts; the policy's working days to
answer a proposal and to approve, and a channel's language; when each side was last reminded
that no agreement is in effect

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_calendars",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("subdivision", sa.String(length=10), nullable=True),
        sa.Column("work_days", sa.String(length=16), nullable=True),
        sa.Column("day_start", sa.String(length=5), nullable=True),
        sa.Column("day_end", sa.String(length=5), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_org_calendars")),
    )
    op.create_table(
        "slack_defaults",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_defaults")),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worked_seconds", sa.Integer(), nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_turns_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
    )
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index("ix_turns_dispute_open", ["dispute_id", "ended_at"], unique=False)
        batch_op.create_index("ix_turns_team", ["team_id", "ended_at"], unique=False)

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_nudged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("client_nudged_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_nudge_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approve_nudge_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("approve_nudge_days")
        batch_op.drop_column("answer_nudge_days")

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_column("client_nudged_at")
        batch_op.drop_column("provider_nudged_at")

    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index("ix_turns_team")
        batch_op.drop_index("ix_turns_dispute_open")

    op.drop_table("turns")
    op.drop_table("slack_defaults")
    op.drop_table("org_calendars")
