"""settlements: an amount settled privately, by sealed offers whose limits only Parley sees;
the policy's rounds, days, bands and rounding step for them

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settle_rounds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("settle_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("settle_bands", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("settle_step", sa.String(length=16), nullable=True))
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payer_side", sa.String(length=16), nullable=False),
        sa.Column("in_question", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("max_rounds", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("step", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("tell_bands", sa.Boolean(), nullable=False),
        sa.Column("last_band", sa.String(length=16), nullable=True),
        sa.Column("asked_side", sa.String(length=16), nullable=False),
        sa.Column("asked_by_team", sa.String(length=32), nullable=False),
        sa.Column("asked_by_user", sa.String(length=32), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_by_team", sa.String(length=32), nullable=True),
        sa.Column("joined_by_user", sa.String(length=32), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("terms_summary", sa.String(length=150), nullable=True),
        sa.Column("terms_details", sa.Text(), nullable=True),
        sa.Column("terms_remedy", sa.String(length=16), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_settlements_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_settlements_proposal_id_proposals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index("ix_settlements_dispute_status", ["dispute_id", "status"], unique=False)

    op.create_table(
        "sealed_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("limit_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("submitted_by_team", sa.String(length=32), nullable=False),
        sa.Column("submitted_by_user", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlements.id"],
            name=op.f("fk_sealed_offers_settlement_id_settlements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_offers")),
        sa.UniqueConstraint(
            "settlement_id", "round", "side", name=op.f("uq_sealed_offers_settlement_id_round_side")
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_column("settle_step")
        batch_op.drop_column("settle_bands")
        batch_op.drop_column("settle_days")
        batch_op.drop_column("settle_rounds")
    op.drop_table("sealed_offers")
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_index("ix_settlements_dispute_status")

    op.drop_table("settlements")
