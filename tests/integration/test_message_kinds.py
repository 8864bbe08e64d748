"""Message kinds: every kind has a renderer and a model of its parameters (checked at start-up
too); a kind this release does not know, or parameters its model does not take, are refused
where a row is written; a stored row of an unknown kind (a newer release wrote it) is kept and
tried again later, its dispute's later messages waiting behind it, and a stored row's
parameters are read as written."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from bot.delivery import render
from bot.services import outbox
from bot.services.message_kinds import MessageKind
from bot.services.message_params import PARAMS, REASON_MAX, checked
from bot.services.people import Person
from models import Dispute, OutboxMessage
from tests.conftest import CORA, SAM
from tests.integration.test_deliveries import with_threads
from tests.support.scenarios import ratified_dispute

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def test_every_kind_has_a_renderer_and_every_renderer_a_kind(monkeypatch):
    render.check_kinds()
    monkeypatch.delitem(render.KINDS, MessageKind.CARD_UPDATE.value)
    with pytest.raises(RuntimeError, match="without a renderer: \\['card.update'\\]"):
        render.check_kinds()


def test_every_kind_has_a_model_of_its_parameters(monkeypatch):
    monkeypatch.delitem(PARAMS, MessageKind.NUDGE)
    with pytest.raises(RuntimeError, match="without a model of their parameters: \\['nudge'\\]"):
        render.check_kinds()


@pytest.mark.parametrize("params", [
    {},  # missing
    {"proposal": 1},  # misspelt
    {"agreement": "the one we agreed"},  # not an id
    {"agreement": 1, "plain": True},  # another kind's
])
def test_parameters_its_model_does_not_take_are_refused_where_the_row_is_written(db, params):
    ratified_dispute(db, STUDIO, CLIENT)
    with pytest.raises(ValidationError), db.transaction() as session:
        outbox.say(session, session.scalars(select(Dispute)).one(), MessageKind.AGREEMENT_UPDATE, **params)
    with db.read() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_parameters_are_stored_as_given_and_a_person_as_a_pair(db):
    ratified_dispute(db, STUDIO, CLIENT)
    with db.transaction() as session:
        row = outbox.say(session, session.scalars(select(Dispute)).one(), MessageKind.DISPUTE_RESOLVED,
                         by=outbox.by_person(SAM.team_id, SAM.id))
    with db.read() as session:
        assert session.get(OutboxMessage, row.id).params == {"by": [SAM.team_id, SAM.id]}  # no defaults added


def test_a_stored_row_with_parameters_of_another_release_is_read_as_written(parley, fake_slack, db):
    """An older release's row (no `dm`, a key since dropped) renders; only writing is strict."""
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    with db.transaction() as session:
        row = outbox.say(session, session.get(Dispute, dispute_id), MessageKind.CARD_UPDATE)
    with db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                        .values(params={"colour": "blue"}))
    assert parley.deliverer() == 1
    with db.read() as session:
        assert session.get(OutboxMessage, row.id).status == "sent"


def test_a_kind_nobody_renders_is_refused_where_it_is_written(db):
    ratified_dispute(db, STUDIO, CLIENT)
    with pytest.raises(ValueError), db.transaction() as session:
        outbox.say(session, session.scalars(select(Dispute)).one(), "card.updated")  # type: ignore[arg-type]


def test_a_stored_row_of_a_newer_kind_is_kept_and_holds_its_dispute(parley, fake_slack, db, caplog):
    ratified_dispute(db, STUDIO, CLIENT)
    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        newer = outbox.say(session, dispute, MessageKind.CARD_UPDATE)
        session.flush()
        newer.kind = "card.celebrate"  # as a newer release would have written it
        outbox.say(session, dispute, MessageKind.CARD_UPDATE)
    before = len(fake_slack.calls_to("chat.update"))
    with caplog.at_level(logging.WARNING, logger="parley.delivery"):
        assert parley.deliverer() == 0
    with db.read() as s:
        found = {r.kind: (r.status, r.last_error) for r in s.scalars(select(OutboxMessage))}
    assert found["card.celebrate"] == ("pending", "unknown kind card.celebrate")
    assert found["card.update"][0] == "pending"  # behind it, in the dispute's order
    assert len(fake_slack.calls_to("chat.update")) == before
    assert any("card.celebrate" in r.getMessage() and "kept" in r.getMessage() for r in caplog.records)


def test_what_slack_or_the_network_answered_is_taken_however_long_it_is_cut():
    """A row that failed for two days records its last error in the message it owes instead; a
    connection error's text runs past 64 characters, and a refused write would roll back the
    whole round's recording."""
    lost = "URLError: <urlopen error [Errno -3] Temporary failure in name resolution>"
    assert checked(MessageKind.AGREEMENT_TEXT, {"agreement": 1, "reason": lost})["reason"] == lost
    with pytest.raises(ValidationError):
        checked(MessageKind.AGREEMENT_TEXT, {"agreement": 1, "reason": "x" * (REASON_MAX + 1)})
