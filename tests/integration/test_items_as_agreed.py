"""A new date for an action item (after the agreement took effect) moves its check-in, not the
agreement: the content hash, the certificate and `parley verify` still hold; migration 0014
gives items moved before it their agreed date back."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.records.documents.export_markdown import export_markdown
from bot.records import history
from bot.services import aftercare, agreements
from bot.services.people import Person
from bot.records.verify_agreement import check
from models import ActionItem, Dispute
from tests.conftest import SAM
from tests.integration.test_certificate import record_for
from tests.support.databases import backends, engine_for, fresh_database, upgrade


def test_a_new_date_leaves_the_agreement_as_it_was_approved(db):
    record = record_for(db, items=2)  # the certificate's record, at ratification
    with db.transaction() as s:
        dispute = s.scalars(select(Dispute)).one()
        item = agreements.latest(s, dispute.id).items[0]
        agreed = item.due_date
        moved = agreed + timedelta(days=9)
        aftercare.new_date(s, dispute, item.id, moved, actor=Person(SAM.team_id, SAM.id), tz="UTC",
                           today=date.today())
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        agreement = agreements.latest(s, dispute.id)
        assert agreement.items[0].due_date == moved and agreement.items[0].agreed_due == agreed
        assert agreement.content_hash == agreements.content_hash(agreement, dispute.reference)
        checked = check(s, record)
        assert checked.matches, checked.line
        gathered = history.gather(s, dispute)
    document = export_markdown(dispute, gathered, internal=True, name=lambda t, u: u)
    assert f"due {agreed}, moved to {moved}, open" in document


@pytest.mark.parametrize("backend", backends())
def test_items_moved_before_the_migration_get_their_agreed_date_back(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        try:
            upgrade(engine, "0013")
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO disputes (id, team_id, number, channel_id, title, category, "
                    "description, desired_outcome, status, escalated, opened_by_team, opened_by_user, "
                    "created_at, updated_at) VALUES (1, 'T0HOST', 1, 'C1', 't', 'other', 'd', 'o', "
                    "'agreed', false, 'T0HOST', 'U1', '2026-12-01 10:00:00+00', '2026-12-01 10:00:00+00')"))
                conn.execute(text(
                    "INSERT INTO parties (id, dispute_id, team_id, user_id, side, can_approve, "
                    "created_at) VALUES (1, 1, 'T0HOST', 'U1', 'provider', true, '2026-12-01 10:00:00+00')"))
                conn.execute(text(
                    "INSERT INTO agreements (id, dispute_id, version, drafted_by_party_id, terms, "
                    "checkin_days, checkin_on_due_dates, approvals_rule, content_hash, status, "
                    "created_at) VALUES (1, 1, 1, 1, 'Redo it.', '[]', true, 'one_per_side', 'h', "
                    "'ratified', '2026-12-01 10:00:00+00')"))
                for n, (what, due) in enumerate((("Redo screen 1", "2026-12-20"),
                                                 ("Redo screen 2", "2026-12-10"))):
                    conn.execute(text(
                        "INSERT INTO action_items (id, agreement_id, position, text, owner_team, "
                        "owner_user, due_date, status) VALUES (:id, 1, :n, :t, 'T0HOST', 'U1', :d, 'open')"),
                        {"id": n + 1, "n": n, "t": what, "d": due})
                for old, new in (("2026-12-08", "2026-12-15"), ("2026-12-15", "2026-12-20")):
                    conn.execute(text("INSERT INTO audit_events (team_id, dispute_id, kind, payload, at) "
                                      "VALUES ('T0HOST', 1, 'item.rescheduled', :p, '2026-12-02 10:00:00+00')"),
                                 {"p": json.dumps({"item": "Redo screen 1", "old": old, "new": new})})
            upgrade(engine)
            with Session(engine) as session:
                dates = {i.text: (i.due_date.isoformat(), i.agreed_due.isoformat())
                         for i in session.scalars(select(ActionItem))}
            assert dates == {"Redo screen 1": ("2026-12-20", "2026-12-08"),  # moved twice
                             "Redo screen 2": ("2026-12-10", "2026-12-10")}  # never moved
        finally:
            engine.dispose()

