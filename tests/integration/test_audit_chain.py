"""The audit trail as hash chains: written with each change, checked by `parley verify --audit`,
broken by any change made behind Parley's back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.people import Person
from bot.services.trail import walk
from models import AuditEvent, Dispute
from models.audit import event_hash
from tests.conftest import CORA, SAM
from tests.support.databases import backends, engine_for, fresh_database, upgrade
from tests.support.scenarios import ratified_dispute

PROVIDER, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def parley(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    script = os.path.join(os.path.dirname(sys.executable), "parley")
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": database_url})


def test_every_event_is_chained_to_the_one_before_in_its_dispute(db):
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    with db.transaction() as session:  # an event about no dispute: the workspace's own chain
        audit.record(session, team_id=SAM.team_id, kind="policy.changed", actor=PROVIDER, field="x",
                     old={2: "a", 10: "b"}, new=("Zoë", "\ud800"))  # as stored: "10" sorts first
    with db.read() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id)
                                      .order_by(AuditEvent.id)))
        assert len(events) >= 3 and events[0].prev_hash is None
        for before, event in zip(events, events[1:], strict=False):
            assert event.prev_hash == before.hash == event_hash(before, before.prev_hash)
        result = walk(session)
    assert result.first_break is None and result.chains == 2 and result.events == len(events) + 1


def test_events_recorded_together_chain_as_if_recorded_one_by_one(db):
    """record_many (a round of delivered check-ins) interleaves chains: two disputes and a
    workspace, each continued from its head and continued after by record."""
    first, second = ratified_dispute(db, PROVIDER, CLIENT), ratified_dispute(db, PROVIDER, CLIENT)
    with db.transaction() as session:
        audit.record(session, team_id=SAM.team_id, kind="policy.changed", actor=PROVIDER, field="x")
        audit.record_many(session, [
            audit.NewEvent(SAM.team_id, "checkin.posted", first, payload={"checkin_id": 1, "ts": "1.1"}),
            audit.NewEvent(SAM.team_id, "checkin.posted", second, payload={"checkin_id": 2}),
            audit.NewEvent(SAM.team_id, "policy.changed", None, PROVIDER, {"field": "y"}),
            audit.NewEvent(SAM.team_id, "checkin.posted", first, payload={"checkin_id": 3}),
        ])
        audit.record(session, team_id=SAM.team_id, kind="checkin.answered", actor=CLIENT, dispute_id=first)
    with db.read() as session:
        result = walk(session)
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.dispute_id == first)
                                     .order_by(AuditEvent.id)))
    assert result.first_break is None and result.chains == 3
    assert kinds[-3:] == ["checkin.posted", "checkin.posted", "checkin.answered"]


def test_a_changed_or_removed_event_is_named(db, database_url):
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    ok = parley(database_url, "verify", "--audit")
    assert ok.returncode == 0 and ok.stdout.startswith("The audit trail is intact:"), ok.stderr
    assert parley(database_url, "verify", "--audit", "D-1").returncode == 0
    with db.read() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id)
                                      .order_by(AuditEvent.id)))
    ids, original = [e.id for e in events], events[1].actor_user
    edit = text("UPDATE audit_events SET actor_user = :u WHERE id = :id")
    with db.engine.begin() as conn:  # someone edits the database behind Parley's back
        conn.execute(edit, {"u": "U0MALLORY", "id": ids[1]})
    changed = parley(database_url, "verify", "--audit", "D-1")
    assert changed.returncode == 1 and changed.stdout == ""
    assert changed.stderr.startswith(f"Event {ids[1]} (") and "changed after it was written" in changed.stderr
    assert "D-1 of T0HOST" in changed.stderr and changed.stderr.count("\n") == 1

    with db.engine.begin() as conn:  # put back as it was: intact again
        conn.execute(edit, {"u": original, "id": ids[1]})
    assert parley(database_url, "verify", "--audit").returncode == 0
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    removed = parley(database_url, "verify", "--audit")
    assert removed.returncode == 1 and f"Event {ids[2]} (" in removed.stderr
    assert "does not follow the event before it" in removed.stderr


def test_bad_references_are_one_line(db, database_url):
    ratified_dispute(db, PROVIDER, CLIENT)
    for reference, said in (("D-99", "There is no dispute D-99"), ("seven", "is not a dispute reference")):
        run = parley(database_url, "verify", "--audit", reference)
        assert run.returncode == 1 and said in run.stderr and "Traceback" not in run.stderr
    broken = parley("postgresql://nobody@127.0.0.1:1/none", "verify", "--audit")
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1 and "Traceback" not in broken.stderr


def test_writers_racing_on_one_dispute_never_fork_its_chain(db):
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    with db.read() as session:
        team = session.get(Dispute, dispute_id).team_id
    start = threading.Barrier(8)

    def append(n: int) -> None:
        start.wait()
        for i in range(5):
            with db.transaction() as session:
                audit.record(session, team_id=team, dispute_id=dispute_id, kind="test.race",
                             actor=PROVIDER, n=n, i=i)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read() as session:
        result = walk(session)
        prevs = list(session.scalars(select(AuditEvent.prev_hash).where(AuditEvent.dispute_id == dispute_id)))
    assert result.first_break is None
    assert len(prevs) == len(set(prevs))  # no two events chained to the same one


@pytest.mark.parametrize("backend", backends())
def test_events_written_before_the_chain_are_chained_by_its_migration(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        try:
            upgrade(engine, "0012")
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO disputes (id, team_id, number, channel_id, title, "
                                  "category, description, desired_outcome, status, escalated, "
                                  "opened_by_team, opened_by_user, created_at, updated_at) VALUES "
                                  "(1, 'T0HOST', 1, 'C1', 't', 'other', 'd', 'o', 'open', false, "
                                  "'T0HOST', 'U1', '2026-12-01 10:00:00+00', '2026-12-01 10:00:00+00')"))
                for n, dispute in enumerate((1, None, 1, 1, None)):
                    conn.execute(text("INSERT INTO audit_events (team_id, dispute_id, kind, payload, at) "
                                      "VALUES ('T0HOST', :d, :k, :p, :at)"),
                                 {"d": dispute, "k": f"old.{n}", "p": json.dumps({"n": n, "name": "Zoë"}),
                                  "at": f"2026-12-01 10:00:0{n}.12345{n}+00"})
            upgrade(engine)
            with Session(engine) as session:
                result = walk(session)
                heads = session.scalars(select(AuditEvent.prev_hash).order_by(AuditEvent.id)).all()
            assert result.first_break is None and result.events == 5 and result.chains == 2
            assert heads[0] is None and heads[1] is None and heads[2] is not None
        finally:
            engine.dispose()
