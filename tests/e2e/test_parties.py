"""Adding a party from the thread; only the opener (or a mediator) may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import ids
from models import AuditEvent, Dispute
from tests.conftest import BOT_USER, CHANNEL, CLIVE, CORA, GUEST, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)
from tests.support.slack_requests import User

THEO = User("U0THEO", "T0THIRD", "theo")  # a third organization in the channel


def test_opener_adds_a_party_who_is_welcomed_and_shown_on_the_card(slack, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    reply = slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [CLIVE.id, SOL.id]})
    assert reply.status == 200 and reply.body == ""
    note = thread_posts(fake_slack, ts)[-1]["text"]
    assert note.startswith("<@U0SAM> added <@U0CLIVE> and <@U0SOL> to this dispute.")
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "*Studio*: Sam, Sol" in card and "*Client Co*: Cora, Clive" in card
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


def test_only_people_of_the_two_organizations_join_a_side(slack, fake_slack, db):
    """A dispute is between two organizations (issue 25): a person of a third one, or a guest
    of the studio's workspace when the client is another organization, would count as "the
    client side" and could decide for it (close, accept a mediator, confirm it is resolved)."""
    fake_slack.add_user(THEO.id, THEO.team_id, name="theo")
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    for outsider in (THEO, GUEST):
        errors = slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [outsider.id]}).json()["errors"]
        assert "D-1 is between two organizations" in errors[ids.B_NEW_PARTIES]
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert {p.user_id for p in dispute.parties} == {SAM.id, CORA.id}
        assert dispute.client_team == CORA.team_id
    # the service holds the rule whatever the form said (a form checked before a change)
    from bot.services.errors import NotAllowed
    from bot.services.parties import add_parties
    from bot.services.people import Participant, Person

    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        with pytest.raises(NotAllowed):
            add_parties(session, dispute, [Participant(Person(THEO.team_id, THEO.id))],
                        actor=Person(SAM.team_id, SAM.id))
    # the client's own colleague joins as ever
    assert slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [CLIVE.id]}).body == ""


def test_the_dispute_form_takes_one_client_organization(slack, fake_slack, db):
    from tests.e2e.helpers import GOOD_ANSWERS, open_modal

    fake_slack.add_user(THEO.id, THEO.team_id, name="theo")
    view = open_modal(slack, fake_slack, SAM)
    body = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id, THEO.id]}).json()
    assert "from more than one" in body["errors"][ids.B_PARTIES]
    body = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id, GUEST.id]}).json()
    assert "from more than one" in body["errors"][ids.B_PARTIES]
    with db.read() as session:
        assert session.scalars(select(Dispute)).all() == []
