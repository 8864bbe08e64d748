"""audit hash chain: each event's hash and its chain's previous hash; existing events chained

Existing events are chained in the order they were written (by id): each dispute's, and each
workspace's events about no dispute.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.audit import event_hash
from models.base import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_audit_events_chain", ["dispute_id", "id"], unique=False)
        batch_op.create_index("ix_audit_events_team_chain", ["team_id", "dispute_id", "id"], unique=False)
    _chain_existing(op.get_bind())


# audit_events as this revision knows it (not the model, which later revisions may change)
EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("team_id", sa.String),
    sa.column("dispute_id", sa.Integer),
    sa.column("actor_team", sa.String),
    sa.column("actor_user", sa.String),
    sa.column("kind", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("at", UTCDateTime()),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _chain_existing(conn: sa.Connection) -> None:
    table = EVENTS
    heads: dict[tuple[str, int | None], str | None] = {}
    last = 0
    while True:
        rows = conn.execute(sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            chain = (row.team_id, None) if row.dispute_id is None else ("", row.dispute_id)
            prev = heads.get(chain)
            heads[chain] = event_hash(row, prev)
            updates.append({"event_id": row.id, "prev": prev, "own": heads[chain]})
        conn.execute(
            table.update()
            .where(table.c.id == sa.bindparam("event_id"))
            .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("own")),
            updates,
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_team_chain")
        batch_op.drop_index("ix_audit_events_chain")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
