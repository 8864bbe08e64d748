"""action items keep the due date as agreed: a new date set later (aftercare) changes due_date
only, so the agreement's content hash and its records still hold

Items whose date was already moved get their agreed date back from the dispute's
"item.rescheduled" audit events (each names the item's text and its old and new dates).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The tables as this migration knows them, whatever the models say later.
items = sa.table(
    "action_items",
    sa.column("id", sa.Integer),
    sa.column("agreement_id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("due_date", sa.Date),
    sa.column("agreed_due", sa.Date),
)
agreements = sa.table("agreements", sa.column("id", sa.Integer), sa.column("dispute_id", sa.Integer))
events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("dispute_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("payload", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_due", sa.Date(), nullable=True))
    bind = op.get_bind()
    bind.execute(items.update().values(agreed_due=items.c.due_date))
    # Where each (dispute, item text, date) came from: follow old → new through the moves.
    origin: dict[tuple[int, str, str], str] = {}
    for dispute_id, payload in bind.execute(
        sa.select(events.c.dispute_id, events.c.payload)
        .where(events.c.kind == "item.rescheduled")
        .order_by(events.c.id)
    ):
        payload = json.loads(payload) if isinstance(payload, str) else (payload or {})
        text, old, new = payload.get("item"), payload.get("old"), payload.get("new")
        if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
            origin[(dispute_id, text, new)] = origin.get((dispute_id, text, old), old)
    if origin:
        moved = bind.execute(
            sa.select(items.c.id, items.c.text, items.c.due_date, agreements.c.dispute_id).join(
                agreements, agreements.c.id == items.c.agreement_id
            )
        )
        for item_id, text, due, dispute_id in moved:
            agreed = origin.get((dispute_id, text, due.isoformat()))
            if agreed:
                bind.execute(
                    items.update().where(items.c.id == item_id).values(agreed_due=date.fromisoformat(agreed))
                )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.alter_column("agreed_due", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_column("agreed_due")
