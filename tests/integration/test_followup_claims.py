"""Claiming due check-ins: atomic, never twice, expired claims come back, failures retried."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.services import agreements, disputes, followups
from bot.services.agreements import AgreementDraft
from bot.services.people import Participant, Person
from bot.services.proposals import ItemDraft
from models import CheckIn, CheckInStatus, utcnow

HOST = "T0HOST"
sam, cora = Person(HOST, "U0SAM"), Person("T0C", "U0CORA")


def ratified(db, items: int = 1, channel: str = "C1") -> int:
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=HOST, channel_id=channel, title="t", category="quality", description="d",
            desired_outcome="o", opener=Participant(sam), others=[Participant(cora)]))
        a, _ = agreements.draft(s, d, d.parties[0], AgreementDraft(
            terms="x", items=[ItemDraft(f"item {i}", sam, date.today() + timedelta(days=3))
                              for i in range(items)]), actor=sam, approvals_rule="one_per_side")
        for party in d.parties:
            agreements.approve(s, d, a, party, shown_hash=a.content_hash, actor=sam, tz="UTC")
        return d.id


def make_due(db, dispute_id: int, when=None) -> None:
    with db.transaction() as s:
        for row in s.scalars(select(CheckIn).where(CheckIn.dispute_id == dispute_id)):
            row.due_at = when or utcnow() - timedelta(minutes=1)


def test_due_rows_are_claimed_once_and_future_ones_wait(db):
    dispute_id = ratified(db)
    with db.transaction() as s:
        assert followups.claim_due(s, "w1") == []  # nothing due yet
    make_due(db, dispute_id)
    with db.transaction() as s:
        first = followups.claim_due(s, "w1")
    with db.transaction() as s:
        assert followups.claim_due(s, "w2") == []
    assert len(first) == 3
    with db.read() as s:
        rows = s.scalars(select(CheckIn)).all()
        assert {(r.status, r.claimed_by, r.attempts) for r in rows} == {("posting", "w1", 1)}


@pytest.mark.parametrize("per_channel", [None, 1])
def test_a_claim_takes_at_most_its_limit(db, per_channel):
    """On PostgreSQL an UPDATE … WHERE id IN (SELECT … LIMIT … SKIP LOCKED) once took them all."""
    for n in range(3):
        make_due(db, ratified(db, items=3, channel=f"C{n}"))
    with db.transaction() as s:
        assert len(followups.claim_due(s, "w", limit=2, per_channel=per_channel)) == 2
    with db.transaction() as s:
        assert len(followups.claim_due(s, "w", limit=100, per_channel=per_channel)) == (
            13 if per_channel is None else 3)  # the other 13 of 15, or the next one per channel


@pytest.mark.parametrize("per_channel", [None, 1])
@pytest.mark.parametrize("round_", range(5))
def test_concurrent_workers_claim_disjoint_sets(db, per_channel, round_):
    ids = [ratified(db, items=3, channel=f"C{n % 4}") for n in range(10)]
    for dispute_id in ids:
        make_due(db, dispute_id)
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        """Claims and marks its claims posted, as the dispatcher does, until nothing is left to it."""
        barrier.wait()
        mine: list[int] = []
        while True:
            with db.transaction() as s:
                got = followups.claim_due(s, name, limit=7, per_channel=per_channel)
            assert len(got) <= 7
            if not got:
                break
            with db.transaction() as s:
                assert followups.mark_posted(s, name, dict.fromkeys(got, "1.1")) == len(got)
            mine += got
        claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids_ in claimed.values() for i in ids_]
    assert len(everything) == len(set(everything)) == 50  # 10 × (2 after-days + 3 items)
    with db.read() as s:
        assert set(s.scalars(select(CheckIn.status))) == {"posted"}


def test_a_channel_another_worker_is_posting_in_is_left_to_it(db):
    first, second = ratified(db, channel="C1"), ratified(db, channel="C2")
    make_due(db, first)
    make_due(db, second)
    with db.transaction() as s:
        held = followups.claim_due(s, "w1", limit=1)
    with db.read() as s:
        in_c1 = set(s.scalars(select(CheckIn.id).where(CheckIn.dispute_id == first)))
        in_c2 = set(s.scalars(select(CheckIn.id).where(CheckIn.dispute_id == second)))
    assert set(held) < in_c1
    with db.transaction() as s:
        assert set(followups.claim_due(s, "w2")) == in_c2  # C1 waits while w1 posts there
    with db.transaction() as s:
        assert followups.mark_posted(s, "w1", {held[0]: "1.1"}) == 1
    with db.transaction() as s:
        assert set(followups.claim_due(s, "w2")) == in_c1 - set(held)


def test_expired_claims_come_back_and_the_old_worker_cannot_mark(db):
    dispute_id = ratified(db)
    make_due(db, dispute_id)
    with db.transaction() as s:
        ids = followups.claim_due(s, "dead")
    later = utcnow() + followups.CLAIM_TIMEOUT + timedelta(seconds=1)
    with db.transaction() as s:
        assert followups.claim_due(s, "alive", now=later) == ids
    with db.transaction() as s:
        assert followups.mark_posted(s, "dead", {ids[0]: "1.1"}) == 0
        assert followups.mark_posted(s, "alive", {i: "1.2" for i in ids}) == len(ids)


def test_failures_back_off_then_fail_for_good(db, caplog):
    dispute_id = ratified(db)
    make_due(db, dispute_id)
    with db.transaction() as s:  # follow one row through its attempts
        for row in s.scalars(select(CheckIn).order_by(CheckIn.id)).all()[1:]:
            row.status = CheckInStatus.CANCELLED
    now = utcnow()
    outcomes = []
    for attempt in range(followups.MAX_ATTEMPTS):
        with db.transaction() as s:
            ids = followups.claim_due(s, "w", now=now, limit=1)
            assert len(ids) == 1
            outcomes.append(followups.release(s, "w", ids[0], "ratelimited", now=now))
            row = s.get(CheckIn, ids[0])
            now = row.due_at if row.status == CheckInStatus.PENDING else now
    assert outcomes == ["retry"] * (followups.MAX_ATTEMPTS - 1) + ["failed"]
    assert "failed for good after 5 attempts" in caplog.text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.status == "failed")) == 1


def test_cancel_pending_and_next_checkin(db):
    dispute_id = ratified(db)
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id)
        assert followups.next_checkin(s, dispute_id) is not None
        assert followups.cancel_pending(s, d, actor=sam, reason="closed") == 3
        assert followups.next_checkin(s, dispute_id) is None
