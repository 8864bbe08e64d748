"""Adding a party from the thread; only the opener (or a mediator) may."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from models import AuditEvent, Dispute
from tests.conftest import BOT_USER, CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)


def test_opener_adds_a_party_who_is_welcomed_and_shown_on_the_card(slack, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    reply = slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [CLIVE.id, SOL.id]})
    assert reply.status == 200 and reply.body == ""
    note = thread_posts(fake_slack, ts)[-1]["text"]
    assert note.startswith("<@U0SAM> added <@U0CLIVE> and <@U0SOL> to this dispute.")
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "<@U0CLIVE>" in card and "<@U0SOL>" in card
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert {(p.user_id, p.side) for p in dispute.parties} >= {("U0CLIVE", "client"), ("U0SOL", "provider")}
        assert all(p.perspective_asked_at for p in dispute.parties if p.user_id in ("U0CLIVE", "U0SOL"))
        assert [e.kind for e in session.scalars(select(AuditEvent))].count("party.added") == 2


def test_others_may_not_add_parties(slack, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    click(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    assert "Only the person who opened D-1, or its mediator, can add parties." in private_notes(fake_slack)[-1]
    assert len(fake_slack.calls_to("views.open")) == 1


def test_add_party_validation(slack, fake_slack):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    assert "is an app" in slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [BOT_USER]}).json()["errors"][ids.B_NEW_PARTIES]
    assert "other than yourself" in slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [SAM.id]}).json()["errors"][ids.B_NEW_PARTIES]
    # someone who is already a party: told privately (a DM, as a modal has no channel), nothing added
    slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [CORA.id]})
    dm = fake_slack.calls_to("chat.postMessage")[-1].args
    assert dm["channel"] == SAM.id and "already a party to D-1" in dm["text"]
