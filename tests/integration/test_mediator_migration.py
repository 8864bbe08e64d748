"""Migration 0015: a mediator who joined before both sides had to accept them counts as accepted
by the side of the party who brought them in, and by nobody when that party cannot be found;
0016: a dispute's client organization is its first client-side party's workspace."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import Dispute, Party
from tests.support.databases import backends, engine_for, fresh_database, upgrade


@pytest.mark.parametrize("backend", backends())
def test_existing_mediators_are_accepted_by_the_side_that_brought_them_in(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        try:
            upgrade(engine, "0014")
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO disputes (id, team_id, number, channel_id, title, category, "
                    "description, desired_outcome, status, escalated, opened_by_team, opened_by_user, "
                    "created_at, updated_at) VALUES (1, 'T0HOST', 1, 'C1', 't', 'other', 'd', 'o', "
                    "'discussing', true, 'T0HOST', 'U1', '2026-12-01 10:00:00+00', "
                    "'2026-12-01 10:00:00+00')"))
                for pid, team, user, side, by in ((1, "T0HOST", "U1", "provider", "U1"),
                                                  (2, "T0CLIENT", "U2", "client", "U1"),
                                                  (3, "T0THIRD", "U3", "mediator", "U2"),
                                                  (4, "T0THIRD", "U4", "mediator", "U9")):
                    conn.execute(text(
                        "INSERT INTO parties (id, dispute_id, team_id, user_id, side, can_approve, "
                        "added_by_user, created_at) VALUES (:id, 1, :team, :user, :side, true, :by, "
                        "'2026-12-01 10:00:00+00')"),
                        {"id": pid, "team": team, "user": user, "side": side, "by": by})
            upgrade(engine)
            with Session(engine) as session:
                accepted = {p.user_id: p.accepted_by for p in session.scalars(select(Party))}
            assert accepted == {"U1": None, "U2": None, "U3": "client", "U4": None}
            with Session(engine) as session:  # 0016: the client's organization
                assert session.scalars(select(Dispute.client_team)).one() == "T0CLIENT"
        finally:
            engine.dispose()
