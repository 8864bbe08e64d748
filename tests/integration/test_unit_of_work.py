"""The unit of work: what a listener's transaction writes in the outbox is delivered right after
its commit, by the unit of work itself, with no transaction open while a message is rendered or
sent. A plain `Database.transaction()` delivers nothing (the tick does), and a unit of work
that fails owes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import db as db_module
from bot.delivery.render import Renderer
from bot.delivery.send import RowSender
from bot.services import outbox
from bot.services.message_kinds import MessageKind
from models import Dispute, OutboxMessage
from tests.conftest import SAM
from tests.integration.test_deliveries import CLIENT, STUDIO, with_threads
from tests.support.scenarios import ratified_dispute
from tests.support.ticks import deliver_what_is_left


def reopened(fake) -> list[str]:
    return [m["text"] for m in fake.messages.values() if "reopened" in (m.get("text") or "")]


def say_reopened(session, dispute_id: int) -> OutboxMessage:
    return outbox.say(session, session.get(Dispute, dispute_id), MessageKind.DISPUTE_REOPENED,
                      by=outbox.by_person(SAM.team_id, SAM.id))


def watch_transactions(monkeypatch) -> list[tuple[str, bool]]:
    """Whether a transaction was open on this thread each time a row was rendered or sent."""
    seen: list[tuple[str, bool]] = []
    for cls, name in ((Renderer, "run"), (RowSender, "send")):
        original = getattr(cls, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            seen.append((_name, db_module.in_transaction()))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, spy)
    return seen


def test_a_unit_of_work_delivers_after_its_commit_with_no_transaction_open(
        parley, fake_slack, db, monkeypatch):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    seen = watch_transactions(monkeypatch)
    with parley.unit_of_work() as session:
        row = say_reopened(session, dispute_id)
        session.flush()
        assert reopened(fake_slack) == []  # nothing goes while the transaction is open …
    assert len(reopened(fake_slack)) == 1  # … and it goes on leaving the block
    assert seen == [("run", False), ("send", False)]
    with db.read() as s:
        assert s.get(OutboxMessage, row.id).status == "sent"


def test_a_plain_transaction_delivers_nothing_and_the_tick_does(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    with parley.db.transaction() as session:
        row = say_reopened(session, dispute_id)
    assert reopened(fake_slack) == []
    with db.read() as s:
        assert s.get(OutboxMessage, row.id).status == "pending"
    assert deliver_what_is_left(parley) == 1
    assert len(reopened(fake_slack)) == 1


def test_a_unit_of_work_that_fails_owes_and_delivers_nothing(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    with pytest.raises(RuntimeError), parley.unit_of_work() as session:
        say_reopened(session, dispute_id)
        raise RuntimeError("the work failed")
    assert reopened(fake_slack) == []
    with db.read() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "dispute.reopened")).all() == []


def test_what_recording_a_delivery_owes_goes_out_in_the_same_call_once(parley, fake_slack, db):
    """A refusal for good owes the person who acted a notice: the unit of work's delivery sends it
    too, after recording (no delivery starts inside another's transaction)."""
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    fake_slack.fail_next("chat.postMessage", "is_archived")
    with parley.unit_of_work() as session:
        outbox.say(session, session.get(Dispute, dispute_id), MessageKind.DISPUTE_REOPENED,
                   notify=STUDIO, by=outbox.by_person(SAM.team_id, SAM.id))
    notices = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == SAM.id]
    assert len(notices) == 1
    with db.read() as s:
        kinds = {r.kind: r.status for r in s.scalars(select(OutboxMessage))}
    assert kinds == {"dispute.reopened": "failed", "notice.failed": "sent"}
