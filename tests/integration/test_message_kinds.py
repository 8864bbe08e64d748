"""Message kinds: every kind has a renderer (checked at start-up too), a kind this release does
not know is refused where a row is written, and a stored row of such a kind (a newer release
wrote it) is kept and tried again later, its dispute's later messages waiting behind it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.delivery import render
from bot.services import outbox
from bot.services.message_kinds import MessageKind
from bot.services.people import Person
from models import Dispute, OutboxMessage
from tests.conftest import CORA, SAM
from tests.support.scenarios import ratified_dispute

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def test_every_kind_has_a_renderer_and_every_renderer_a_kind(monkeypatch):
    render.check_kinds()
    monkeypatch.delitem(render.KINDS, MessageKind.CARD_UPDATE.value)
    with pytest.raises(RuntimeError, match="without a renderer: \\['card.update'\\]"):
        render.check_kinds()


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
