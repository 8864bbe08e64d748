"""indexes for the overview

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_team_created", ["team_id", "created_at"], unique=False)

    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.create_index("ix_parties_person", ["team_id", "user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index("ix_parties_person")

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_team_created")
