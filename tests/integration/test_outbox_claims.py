"""Claiming outbox rows: once, in order per dispute, one channel per worker, expired claims come
back as uncertain; due check-ins become one row per dispute."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.services import disputes, followups, outbox, outbox_claims
from bot.services.people import Participant, Person
from models import CheckIn, OutboxMessage, OutboxStatus, utcnow
from tests.support.scenarios import make_checkins_due, ratified_dispute

HOST = "T0HOST"
sam, cora = Person(HOST, "U0SAM"), Person("T0C", "U0CORA")


def dispute_in(db, channel: str) -> int:
    with db.transaction() as s:
        return disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=HOST, channel_id=channel, title="t", category="quality", description="d",
            desired_outcome="o", opener=Participant(sam), others=[Participant(cora)])).id


def owe(db, dispute_id: int, *kinds: str) -> list[int]:
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id)
        rows = [outbox.say(s, d, kind, notify=sam) for kind in kinds]
        s.flush()
        return [row.id for row in rows]


def claim(db, worker: str, **kwargs) -> list[int]:
    with db.transaction() as s:
        return outbox_claims.claim(s, worker, **kwargs)


def mark_sent(db, worker: str, ids: list[int]) -> None:
    with db.transaction() as s:
        for row_id in ids:
            assert outbox.sent(s, worker, row_id, "1.1") is not None


def test_a_dispute_s_rows_are_claimed_as_one_run_from_its_first_undelivered_row(db):
    one, two = dispute_in(db, "C1"), dispute_in(db, "C2")
    card, welcome, update_ = owe(db, one, "card", "welcome", "card.update")
    (other,) = owe(db, two, "card")
    # two messages per channel at most; the update in place between them rides along
    assert claim(db, "w1", per_channel=1) == [card, other]
    with db.transaction() as s:
        outbox_claims.put_back(s, "w1", [card, other])
    assert claim(db, "w1", per_channel=2) == [card, welcome, update_, other]
    assert claim(db, "w2", per_channel=None) == []  # all held by w1's live claims
    mark_sent(db, "w1", [card])
    with db.transaction() as s:  # a retry puts it back, later; the rest of the run
        outbox.retry(s, "w1", welcome, "fatal_error", delay=timedelta(minutes=1))
        outbox_claims.put_back(s, "w1", [update_])  # goes back untried
    assert claim(db, "w2", per_channel=None) == []  # the update waits behind the welcome
    assert claim(db, "w2", dispute_ids=[one]) == []
    with db.transaction() as s:
        s.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    assert claim(db, "w2", dispute_ids=[one]) == [welcome, update_]  # a request's run
    with db.transaction() as s:  # a row refused for good does not block the rest
        outbox.failed(s, "w2", welcome, "msg_too_long")
        outbox_claims.put_back(s, "w2", [update_])
    taken = claim(db, "w2", per_channel=None)
    with db.read() as s:
        assert [s.get(OutboxMessage, i).kind for i in taken] == ["card.update", "notice.failed"]
    assert taken[0] == update_


def test_a_run_is_never_claimed_from_its_middle(db):
    """A worker that finds a dispute's first row locked by another worker's claim (SKIP LOCKED
    passes over it) must not take the rows after it: they would overtake it."""
    one = dispute_in(db, "C1")
    first, second = owe(db, one, "card", "welcome")
    with db.transaction() as s:
        assert outbox_claims.claim(s, "w1", per_channel=1) == [first]  # still uncommitted, and locked
        if db.engine.dialect.name == "postgresql":  # SQLite has one writer at a time anyway
            assert claim(db, "w2", per_channel=None) == []
    assert claim(db, "w2", per_channel=None) == []  # w1's claim is live


def test_the_tick_takes_one_row_per_channel_and_leaves_channels_held_by_others(db):
    a, b, c = dispute_in(db, "C1"), dispute_in(db, "C1"), dispute_in(db, "C2")
    first_a, = owe(db, a, "card")
    first_b, = owe(db, b, "card")
    first_c, = owe(db, c, "card")
    assert claim(db, "w1", limit=1) == [first_a]
    assert claim(db, "w2") == [first_c]  # C1 is being posted in by w1
    mark_sent(db, "w1", [first_a])
    assert claim(db, "w2") == [first_b]


def test_a_request_delivers_its_own_rows_whatever_else_is_held(db):
    a, b = dispute_in(db, "C1"), dispute_in(db, "C1")
    owe(db, a, "card")
    mine, = owe(db, b, "card")
    claim(db, "tick")
    assert claim(db, "web", dispute_ids=[b]) == [mine]


def test_an_expired_claim_comes_back_uncertain_and_the_old_worker_cannot_mark(db):
    row, = owe(db, dispute_in(db, "C1"), "card")
    assert claim(db, "dead") == [row]
    assert claim(db, "alive") == []  # still live
    later = utcnow() + outbox_claims.CLAIM_TIMEOUT + timedelta(seconds=1)
    assert claim(db, "alive", now=later) == [row]
    with db.transaction() as s:
        assert outbox.sent(s, "dead", row, "1.1") is None
        assert s.get(OutboxMessage, row).uncertain  # the dead worker may have posted it
        assert outbox.sent(s, "alive", row, "1.2") is not None


def test_a_row_undelivered_for_days_fails_and_its_person_is_owed_a_notice(db):
    row, = owe(db, dispute_in(db, "C1"), "card")
    claim(db, "w")
    with db.transaction() as s:
        s.get(OutboxMessage, row).created_at = utcnow() - outbox.GIVE_UP_AFTER - timedelta(minutes=1)
    with db.transaction() as s:
        assert outbox.retry(s, "w", row, "fatal_error", delay=timedelta(seconds=2)) == "failed"
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.kind, r.status, r.channel_id) for r in rows] == [
            ("card", "failed", "C1"), ("notice.failed", "pending", sam.user_id)]
        attention = outbox.needs_attention(s, HOST, sam.user_id)
        assert [(r.kind, ref) for r, ref in attention] == [("card", "D-1")]


def test_rows_parked_by_an_outage_are_due_as_soon_as_slack_answers(db):
    row, = owe(db, dispute_in(db, "C1"), "card")
    claim(db, "w")
    with db.transaction() as s:
        outbox.retry(s, "w", row, "fatal_error", delay=timedelta(minutes=4), outage=True)
    with db.read() as s:
        assert outbox_claims.parked(s) and not outbox_claims.anything_due(s)
    assert claim(db, "w", limit=1, parked_too=True) == [row]  # the probe
    with db.transaction() as s:
        outbox_claims.put_back(s, "w", [row])
    with db.transaction() as s:
        assert outbox.slack_is_back(s) == 1
    with db.read() as s:
        assert outbox_claims.anything_due(s)


@pytest.mark.parametrize("per_channel", [1, None])
@pytest.mark.parametrize("round_", range(2))
def test_concurrent_workers_claim_disjoint_sets_in_order(db, round_, per_channel):
    ids = [dispute_in(db, f"C{n % 4}") for n in range(10)]
    for dispute_id in ids:
        owe(db, dispute_id, "card", "welcome", "card.update")
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        mine: list[int] = []
        idle = 0
        while idle < 50:  # another worker may hold the next row of a dispute for a moment
            got = claim(db, name, limit=3, per_channel=per_channel)
            if not got:
                idle += 1
                continue
            mark_sent(db, name, got)
            mine += got
        claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in claimed.values() for i in got]
    assert len(everything) == len(set(everything)) == 30
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {OutboxStatus.SENT}
        by_dispute: dict[int, list[OutboxMessage]] = {}
        for r in rows:
            by_dispute.setdefault(r.dispute_id, []).append(r)
        for kept in by_dispute.values():  # each dispute's rows were delivered in order
            kept.sort(key=lambda r: r.id)
            assert [r.done_at for r in kept] == sorted(r.done_at for r in kept)


def test_due_checkins_of_a_dispute_become_one_message(db):
    first = ratified_dispute(db, sam, cora, channel="C1", items=2)
    second = ratified_dispute(db, sam, cora, channel="C2")
    make_checkins_due(db, first)  # two after-days check-ins and one per item: four
    with db.transaction() as s:
        assert followups.queue_due(s) == 1
        assert followups.queue_due(s) == 0  # each is queued once
    with db.read() as s:
        row = s.scalars(select(OutboxMessage)).one()
        checkins = s.scalars(select(CheckIn).where(CheckIn.dispute_id == first)).all()
        assert row.kind == "checkin" and sorted(row.params["checkins"]) == sorted(c.id for c in checkins)
        assert {c.status for c in checkins} == {"posting"}
        assert {c.status for c in s.scalars(select(CheckIn).where(CheckIn.dispute_id == second))} == {"pending"}
        items = followups.checkin_items(s, checkins)
        assert [i.text for i in items] == ["Redo screen 1", "Redo screen 2"]  # each item once


def test_cancel_pending_and_next_checkin(db):
    dispute_id = ratified_dispute(db, sam, cora, channel="C1")
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id)
        assert followups.next_checkin(s, dispute_id) is not None
        assert followups.cancel_pending(s, d, actor=sam, reason="closed") == 3
        assert followups.next_checkin(s, dispute_id) is None


def test_delivered_rows_are_forgotten_after_two_weeks_failed_ones_kept(db):
    one = dispute_in(db, "C1")
    sent, failed = owe(db, one, "card", "welcome")
    claim(db, "w")
    mark_sent(db, "w", [sent])
    claim(db, "w")
    with db.transaction() as s:
        outbox.failed(s, "w", failed, "is_archived")
        s.execute(update(OutboxMessage).values(done_at=utcnow() - timedelta(days=15)))
    with db.transaction() as s:
        assert outbox.forget_delivered(s) == 1
    with db.read() as s:
        assert {r.kind for r in s.scalars(select(OutboxMessage))} == {"welcome", "notice.failed"}


def test_a_transaction_claims_its_own_rows_unless_earlier_ones_wait(db):
    one, two = dispute_in(db, "C1"), dispute_in(db, "C2")
    waiting, = owe(db, two, "card")  # an earlier row of the second dispute is still undelivered
    with db.transaction() as s:
        rows = [outbox.say(s, disputes.load(s, HOST, d), "card.update") for d in (one, two)]
        rows.append(outbox.say_outside(s, HOST, "U0SAM", "notice.failed", failed=waiting))
        claimed = outbox_claims.claim_new(s, "web-1", rows)
    assert [r.dispute_id for r in claimed] == [one, None]
    with db.read() as s:
        assert [(r.dispute_id, r.status, r.claimed_by) for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.id != waiting).order_by(OutboxMessage.id))] == [
            (one, "sending", "web-1"), (two, "pending", None), (None, "sending", "web-1")]


def test_a_claim_counts_the_messages_its_worker_already_holds_in_a_channel(db):
    a, b, c = (dispute_in(db, "C1") for _ in range(3))
    cards = [owe(db, d, "card")[0] for d in (a, b, c)]
    assert claim(db, "w1", per_channel=2) == cards[:2]
    assert claim(db, "w1", per_channel=2) == []  # two held already
    mark_sent(db, "w1", cards[:1])
    assert claim(db, "w1", per_channel=2) == cards[2:]


def test_a_worker_keeps_its_claims_alive_while_rows_wait_in_its_queue(db):
    row, = owe(db, dispute_in(db, "C1"), "card")
    assert claim(db, "slow") == [row]
    almost = utcnow() + outbox_claims.CLAIM_TIMEOUT - timedelta(seconds=1)
    with db.transaction() as s:
        outbox_claims.keep_claims(s, "other", [row], now=almost)  # not its claim: nothing changes
    later = utcnow() + outbox_claims.CLAIM_TIMEOUT + timedelta(seconds=1)
    with db.read() as s:
        assert s.get(OutboxMessage, row).claimed_at < later - outbox_claims.CLAIM_TIMEOUT
    with db.transaction() as s:
        outbox_claims.keep_claims(s, "slow", [row], now=almost)
    assert claim(db, "other", now=later) == []  # still live
