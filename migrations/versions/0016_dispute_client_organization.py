"""the client's organization of each dispute: the workspace of the people on its client side

Existing disputes get the workspace of their first client-side party.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# The tables as this migration knows them, whatever the models say later.
disputes = sa.table("disputes", sa.column("id", sa.Integer), sa.column("client_team", sa.String))
parties = sa.table(
    "parties",
    sa.column("id", sa.Integer),
    sa.column("dispute_id", sa.Integer),
    sa.column("team_id", sa.String),
    sa.column("side", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_team", sa.String(length=32), nullable=True))
    first_client = (
        sa.select(parties.c.team_id)
        .where(parties.c.dispute_id == disputes.c.id, parties.c.side == "client")
        .order_by(parties.c.id)
        .limit(1)
        .scalar_subquery()
    )
    op.get_bind().execute(disputes.update().values(client_team=first_client))


def downgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_column("client_team")
