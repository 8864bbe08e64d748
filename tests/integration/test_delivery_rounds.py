"""The tick's rounds deliver each dispute's run of rows in order, by one thread at a time: a run
stops at a card (its replies need its ts, recorded first) and at a row Slack does not take now,
and what is left of it comes in a later round, never ahead of what it follows."""

from __future__ import annotations

from sqlalchemy import select

from bot.delivery.calls import Kind
from bot.delivery.render import KINDS
from bot.services import disputes, outbox
from bot.services.people import Participant
from models import Dispute, OutboxMessage, utcnow
from tests.conftest import SAM
from tests.integration.test_deliveries import CLIENT, STUDIO

NUDGE = {"nudge": "agreement", "waiting": []}


def new_dispute(db, channel: str = "C0SHARED") -> int:
    with db.transaction() as s:
        return disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=SAM.team_id, channel_id=channel, title="Checkout screens",
            category="quality", description="d", desired_outcome="o",
            opener=Participant(STUDIO), others=[Participant(CLIENT)])).id


def owe(db, dispute_id: int, *kinds: str) -> list[int]:
    with db.transaction() as s:
        d = s.get(Dispute, dispute_id)
        rows = [outbox.say(s, d, kind, notify=STUDIO, **(NUDGE if kind == "nudge" else {}))
                for kind in kinds]
        s.flush()
        return [r.id for r in rows]


def thread_of(fake, db, dispute_id: int) -> list[str]:
    """What the dispute's thread shows, oldest first: 'card', then each reply's kind."""
    with db.read() as s:
        root = s.get(Dispute, dispute_id).thread_ts
        sent = {r.result_ts: r.kind for r in s.scalars(select(OutboxMessage))}
    replies = sorted((ts, m) for (_, ts), m in fake.messages.items() if m.get("thread_ts") == root)
    return ["card"] + [sent.get(ts, "?") for ts, _ in replies]


def statuses(db) -> dict[int, str]:
    with db.read() as s:
        return {r.id: r.status for r in s.scalars(select(OutboxMessage))}


def test_a_new_dispute_s_card_then_its_replies_in_order(parley, fake_slack, db):
    fake_slack.add_channel("C0OTHER")
    one, two = new_dispute(db), new_dispute(db, "C0OTHER")
    for d in (one, two):
        owe(db, d, "card", "welcome", "card.update", "nudge")
    assert parley.deliverer() == 8
    for d in (one, two):
        assert thread_of(fake_slack, db, d) == ["card", "welcome", "nudge"]
    assert set(statuses(db).values()) == {"sent"}


def test_a_row_slack_does_not_take_now_holds_back_the_rest_of_its_run(parley, fake_slack, db):
    dispute_id = new_dispute(db)
    card, = owe(db, dispute_id, "card")
    parley.deliverer()
    first, second, third = owe(db, dispute_id, "nudge", "nudge", "nudge")
    fake_slack.fail_next("chat.postMessage", status=503)  # the first of the run
    parley.deliverer()
    assert statuses(db) == {card: "sent", first: "pending", second: "pending", third: "pending"}
    assert thread_of(fake_slack, db, dispute_id) == ["card"]
    with db.transaction() as s:  # its backoff is over
        s.get(OutboxMessage, first).next_attempt_at = s.get(OutboxMessage, first).created_at
    assert parley.deliverer() == 3
    assert thread_of(fake_slack, db, dispute_id) == ["card", "nudge", "nudge", "nudge"]
    with db.read() as s:
        assert [s.get(OutboxMessage, i).result_ts for i in (first, second, third)] == sorted(
            s.get(OutboxMessage, i).result_ts for i in (first, second, third))


def test_a_thread_in_a_channel_slack_refuses_does_not_hold_up_other_channels(parley, fake_slack, db):
    shut, open_ = new_dispute(db, "C0GONE"), new_dispute(db)
    owe(db, shut, "card", "welcome")
    owe(db, open_, "card", "welcome")
    assert parley.deliverer() == 3  # and the notice to the person whose card never appeared
    with db.read() as s:
        notice = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == outbox.NOTICE)).one()
        assert (notice.channel_id, notice.status) == (STUDIO.user_id, "sent")
    assert thread_of(fake_slack, db, open_) == ["card", "welcome"]
    with db.read() as s:
        rows = {r.kind: r.status for r in s.scalars(select(OutboxMessage).where(
            OutboxMessage.dispute_id == shut))}
    assert rows == {"card": "failed", "welcome": "skipped"}  # no thread to reply in


def test_a_channel_slack_holds_for_long_is_left_until_then_and_holds_up_no_other(parley, fake_slack, db):
    held, other = new_dispute(db), new_dispute(db, "C0OTHER")
    fake_slack.add_channel("C0OTHER")
    owe(db, held, "card")
    parley.deliverer()
    parley.deliverer.pacer.hold("C0SHARED", 30)  # a 429 said: not for 30 seconds
    nudge, = owe(db, held, "nudge")
    owe(db, other, "card")
    assert parley.deliverer() == 1  # the other channel's card; the nudge is not waited for
    with db.read() as s:
        row = s.get(OutboxMessage, nudge)
        assert row.status == "pending" and row.attempts == 0
        assert 25 < (row.next_attempt_at - utcnow()).total_seconds() < 35
    assert parley.deliverer() == 0  # not claimed again meanwhile
    assert thread_of(fake_slack, db, held) == ["card"]


def test_a_row_that_cannot_be_rendered_waits_for_a_retry_and_holds_up_only_its_dispute(
        parley, fake_slack, db, monkeypatch, caplog):
    broken, fine = new_dispute(db), new_dispute(db, "C0OTHER")
    fake_slack.add_channel("C0OTHER")
    owe(db, broken, "card")
    owe(db, fine, "card")
    parley.deliverer()

    def render(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setitem(KINDS, "nudge", Kind(render))
    stuck, after = owe(db, broken, "nudge", "welcome")
    owe(db, fine, "welcome")
    assert parley.deliverer() == 1  # the other dispute's welcome
    with db.read() as s:
        row = s.get(OutboxMessage, stuck)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "render: RuntimeError")
        assert s.get(OutboxMessage, after).status == "pending"  # order: it waits for the nudge
    assert "rendering delivery" in caplog.text


def test_an_unexpected_error_while_sending_is_retried_as_maybe_posted_and_the_tick_ends(
        parley, fake_slack, db, monkeypatch, caplog):
    dispute_id = new_dispute(db)
    owe(db, dispute_id, "card")
    parley.deliverer()
    nudge, = owe(db, dispute_id, "nudge")

    def send(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(parley.deliverer.sender, "send", send)
    assert parley.deliverer() == 0
    with db.read() as s:
        row = s.get(OutboxMessage, nudge)
        assert (row.status, row.uncertain) == ("pending", True)  # looked up before a new post
    assert "failed unexpectedly" in caplog.text
