"""Requesting a mediator both sides can accept (issue 25): someone from neither organization
joins at once, someone from the asking side's own organization only once the other side accepts
them; only a mediator both sides accepted closes a dispute on their own; the asking side's
internal note goes to its own people, never to the other side."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import Dispute, MediatorRequest, OutboxMessage
from tests.conftest import BOT_USER, CHANNEL, CLIENT_TEAM, CLIVE, CORA, SAM, SOL
from tests.e2e.agreement_steps import post_agreement, proposal_to_draft
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)
from tests.support.slack_requests import User

THEA = User("U0THEA", "T0THIRD", "thea")  # a third organization: neither side's
CLARA = User("U0CLARA", CLIENT_TEAM, "clara")  # the client's organization, not a party
INTERNAL = "C0INTERNAL"


def ask(slack, fake_slack, user, ts, answers) -> dict:
    """Ask for a mediator from the card; returns the modal (submitted with `answers`)."""
    view = click_for_modal(slack, fake_slack, user, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    reply = slack.view_submission(user, view, answers)
    assert reply.status == 200 and reply.body == "", reply
    return view


def request_message(fake_slack, ts) -> dict:
    """The latest request's message as it stands (posted, then updated in place)."""
    return [m for m in fake_slack.messages_in(CHANNEL, ts)
            if "asked for" in m["text"] and "mediator" in m["text"]][-1]


def close(slack, fake_slack, user, ts, reason="We are done here.") -> None:
    view = click_for_modal(slack, fake_slack, user, card_blocks(fake_slack, CHANNEL, ts), ids.CLOSE_DISPUTE)
    assert slack.view_submission(user, view, {ids.B_CLOSE_REASON: reason}).status == 200


def status(db) -> str:
    with db.read() as s:
        return s.scalars(select(Dispute)).one().status


def test_a_mediator_from_neither_organization_joins_at_once_and_closes_alone_once_both_accept(
        slack, fake_slack, db):
    fake_slack.add_user(THEA.id, THEA.team_id, name="thea")
    ts, note = proposal_to_draft(slack, fake_slack)
    ask(slack, fake_slack, CORA, ts, {ids.B_MEDIATOR_ANYONE: THEA.id, ids.B_MEDIATOR_REASON: "Stuck."})
    message = request_message(fake_slack, ts)
    assert "<@U0THEA> joins as mediator, from neither organization" in text_of(message["blocks"])
    assert set(buttons(message["blocks"])) == {ids.ACCEPT_MEDIATOR}
    assert "*Mediator*: Thea (accepted by Client Co so far)" in text_of(
        card_blocks(fake_slack, CHANNEL, ts))
    # Accepted by the client side only: the mediator's close is a proposal the studio answers.
    close(slack, fake_slack, THEA, ts)
    assert status(db) != "closed"
    assert "proposes closing D-1" in thread_posts(fake_slack, ts)[-1]["text"]
    # The client cannot accept on the studio's behalf; the studio accepts; the message updates.
    click(slack, fake_slack, CORA, message["blocks"], ids.ACCEPT_MEDIATOR)
    assert "The other side decides whether this person mediates" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, SAM, message["blocks"], ids.ACCEPT_MEDIATOR)
    message = request_message(fake_slack, ts)
    assert "<@U0THEA> mediates D-1, accepted by both sides" in text_of(message["blocks"])
    assert buttons(message["blocks"]) == {}
    # the mediator drafts the agreement, but cannot approve it
    _, drafted = post_agreement(slack, fake_slack, THEA, note["blocks"])
    click(slack, fake_slack, THEA, drafted["blocks"], ids.APPROVE_AGREEMENT)
    assert "each side approves the agreement, not the mediator" in private_notes(fake_slack)[-1]
    # Accepted by both sides: the mediator's close closes.
    close(slack, fake_slack, THEA, ts)
    assert status(db) == "closed"


def test_a_colleague_of_the_asking_side_mediates_only_once_the_other_side_accepts(
        slack, fake_slack, db):
    fake_slack.add_user(CLARA.id, CLARA.team_id, name="clara")
    ts, _ = proposal_to_draft(slack, fake_slack)
    ask(slack, fake_slack, CORA, ts, {ids.B_MEDIATOR_ANYONE: CLARA.id, ids.B_MEDIATOR_REASON: "Stuck."})
    message = request_message(fake_slack, ts)
    said = text_of(message["blocks"])
    assert "<@U0CLARA> is from Client Co, so Studio's side decides whether they mediate: <@U0SAM>" in said
    assert set(buttons(message["blocks"])) == {ids.ACCEPT_MEDIATOR, ids.DECLINE_MEDIATOR}
    # Not a party yet: Clara can do nothing, and the client side cannot accept its own choice.
    click(slack, fake_slack, CLARA, card_blocks(fake_slack, CHANNEL, ts), ids.CLOSE_DISPUTE)
    assert "Only the parties to D-1 can close or withdraw it" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, CLIVE, message["blocks"], ids.ACCEPT_MEDIATOR)
    assert "The other side decides" in private_notes(fake_slack)[-1]
    with db.read() as s:
        assert s.scalars(select(Dispute)).one().party_of(CLIENT_TEAM, CLARA.id) is None
    # The studio declines: the message says so, in place; nobody joined.
    click(slack, fake_slack, SAM, message["blocks"], ids.DECLINE_MEDIATOR)
    message = request_message(fake_slack, ts)
    assert "Studio's side declined <@U0CLARA> as mediator" in text_of(message["blocks"])
    assert buttons(message["blocks"]) == {}
    # Asked again, the studio accepts: Clara mediates, accepted by both, and closes alone.
    ask(slack, fake_slack, CORA, ts, {ids.B_MEDIATOR_ANYONE: CLARA.id, ids.B_MEDIATOR_REASON: "Please."})
    click(slack, fake_slack, SAM, request_message(fake_slack, ts)["blocks"], ids.ACCEPT_MEDIATOR)
    assert "accepted by both sides" in text_of(request_message(fake_slack, ts)["blocks"])
    with db.read() as s:
        mediator = s.scalars(select(Dispute)).one().party_of(CLIENT_TEAM, CLARA.id)
        assert mediator.side == "mediator" and mediator.accepted_sides == {"client", "provider"}
        assert [r.status for r in s.scalars(select(MediatorRequest).order_by(MediatorRequest.id))] \
            == ["declined", "joined"]
    close(slack, fake_slack, CLARA, ts)
    assert status(db) == "closed"


def test_a_listed_mediator_and_the_form_s_checks(slack, fake_slack, db):
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", SAM.id), mediators=SOL.id)
    ts, _ = proposal_to_draft(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    listed = next(b for b in view["blocks"] if b.get("block_id") == ids.B_MEDIATOR_LISTED)
    assert [o["value"] for o in listed["element"]["options"]] == [SOL.id]
    assert listed["label"]["text"] == "Mediators Studio lists"
    errors = slack.view_submission(CORA, view, {ids.B_MEDIATOR_REASON: "Stuck."}).json()["errors"]
    assert "Choose one mediator" in errors[ids.B_MEDIATOR_ANYONE]
    errors = slack.view_submission(CORA, view, {ids.B_MEDIATOR_ANYONE: BOT_USER,
                                                ids.B_MEDIATOR_REASON: "Stuck."}).json()["errors"]
    assert "is an app" in errors[ids.B_MEDIATOR_ANYONE]
    # The client chose one of the studio's own people: the studio's, chosen by the client.
    slack.view_submission(CORA, view, {ids.B_MEDIATOR_LISTED: SOL.id, ids.B_MEDIATOR_REASON: "Stuck."})
    assert "<@U0SOL> joins as mediator, from Studio" in text_of(request_message(fake_slack, ts)["blocks"])
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        mediator = dispute.party_of("T0HOST", SOL.id)
        assert dispute.escalated and mediator.side == "mediator" and not mediator.can_approve
        assert mediator.accepted_sides == {"client"}
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "with a mediator" in card and "*Mediator*: Sol (accepted by Client Co so far)" in card


def test_the_asking_side_s_internal_note_goes_to_its_own_people_only(slack, fake_slack, db):
    fake_slack.add_user(THEA.id, THEA.team_id, name="thea")
    fake_slack.add_channel(INTERNAL, shared=False)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", SAM.id), escalation_channel=INTERNAL)
    ts, _ = proposal_to_draft(slack, fake_slack)  # Sam for the studio; Cora and Clive, the client
    # The client's form says where its note goes: to Clive, its colleague, never the studio.
    view = ask(slack, fake_slack, CORA, ts, {
        ids.B_MEDIATOR_ANYONE: THEA.id, ids.B_MEDIATOR_REASON: "Stuck.",
        ids.B_MEDIATOR_NOTE: "CLIENT-NOTE: we are thinking of leaving"})
    assert "The note goes to your colleagues in this dispute (<@U0CLIVE>), by direct message" \
        in text_of(view)
    fake_slack.wait_until(lambda: any("CLIENT-NOTE" in c.args.get("text", "")
                                      for c in fake_slack.calls_to("chat.postMessage")), what="the note")
    noted = [c.args for c in fake_slack.calls_to("chat.postMessage") if "CLIENT-NOTE" in text_of(c.args)]
    assert [n["channel"] for n in noted] == [CLIVE.id]
    assert "CLIENT-NOTE" not in text_of([c.args for c in fake_slack.calls
                                         if c.args.get("channel") in (INTERNAL, CHANNEL, SAM.id)])
    # The studio's note goes to its escalation channel, which its form names.
    view = ask(slack, fake_slack, SAM, ts, {
        ids.B_MEDIATOR_ANYONE: SOL.id, ids.B_MEDIATOR_REASON: "Stuck too.",
        ids.B_MEDIATOR_NOTE: "STUDIO-NOTE: the client is difficult"})
    assert f"The note goes to <#{INTERNAL}>, your organization's escalation channel" in text_of(view)
    internal = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == INTERNAL]
    assert len(internal) == 1 and "STUDIO-NOTE" in internal[0]
    assert "STUDIO-NOTE" not in text_of([c.args for c in fake_slack.calls
                                         if c.args.get("channel") in (CHANNEL, CORA.id, CLIVE.id)])


def test_with_nobody_of_its_own_to_tell_the_form_has_no_note_and_a_forged_one_goes_nowhere(
        slack, fake_slack, db):
    from tests.e2e.helpers import raise_dispute

    fake_slack.add_user(THEA.id, THEA.team_id, name="thea")
    fake_slack.add_channel(INTERNAL, shared=False)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", SAM.id), escalation_channel=INTERNAL)
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    assert ids.B_MEDIATOR_NOTE not in text_of(view)
    reply = slack.view_submission(CORA, view, {ids.B_MEDIATOR_ANYONE: THEA.id, ids.B_MEDIATOR_REASON: "Stuck.",
                                               ids.B_MEDIATOR_NOTE: "FORGED-NOTE"})
    assert reply.status == 200
    assert "FORGED-NOTE" not in text_of([c.args for c in fake_slack.calls])
    with db.read() as s:
        assert not any("FORGED-NOTE" in text_of(r.params) for r in s.scalars(select(OutboxMessage)))


def test_only_the_two_sides_may_request_a_mediator(slack, fake_slack):
    ts, _ = proposal_to_draft(slack, fake_slack)
    click(slack, fake_slack, SOL, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    assert "Only the parties to D-1 can request a mediator" in private_notes(fake_slack)[-1]


def test_a_stalled_dispute_offers_the_same_mediator_path(slack, parley, fake_slack, db):

    from tests.e2e.helpers import raise_dispute
    from tests.support.ticks import a_working_morning, remind

    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    remind(parley, a_working_morning())
    nudge = [p for p in thread_posts(fake_slack, ts) if "without an agreement" in p["text"]][0]
    view = click_for_modal(slack, fake_slack, CORA, nudge["blocks"], ids.ASK_MEDIATOR)
    assert view["callback_id"] == ids.MEDIATOR_MODAL


def test_someone_asked_for_who_has_since_become_a_party_cannot_be_accepted(slack, fake_slack, db):
    fake_slack.add_user(CLARA.id, CLARA.team_id, name="clara")
    ts, _ = proposal_to_draft(slack, fake_slack)
    ask(slack, fake_slack, CORA, ts, {ids.B_MEDIATOR_ANYONE: CLARA.id, ids.B_MEDIATOR_REASON: "Stuck."})
    waiting = request_message(fake_slack, ts)["blocks"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    assert slack.view_submission(SAM, view, {ids.B_NEW_PARTIES: [CLARA.id]}).body == ""
    click(slack, fake_slack, SAM, waiting, ids.ACCEPT_MEDIATOR)
    assert "has since joined D-1 as a party, so they cannot mediate it" in private_notes(fake_slack)[-1]
    with db.read() as s:
        clara = s.scalars(select(Dispute)).one().party_of(CLIENT_TEAM, CLARA.id)
        assert clara.side == "client"


def test_a_mediator_adds_nobody_from_a_third_organization_to_a_side(slack, fake_slack, db):
    """A mediator the studio chose could otherwise add someone who then speaks for "the
    client side" (accepting the mediator, closing) without the client."""
    theo = User("U0THEO", "T0THIRD", "theo")
    for user in (THEA, theo):
        fake_slack.add_user(user.id, user.team_id, name=user.name)
    ts, _ = proposal_to_draft(slack, fake_slack)
    ask(slack, fake_slack, SAM, ts, {ids.B_MEDIATOR_ANYONE: THEA.id, ids.B_MEDIATOR_REASON: "Stuck."})
    view = click_for_modal(slack, fake_slack, THEA, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_PARTY)
    errors = slack.view_submission(THEA, view, {ids.B_NEW_PARTIES: [theo.id]}).json()["errors"]
    assert "D-1 is between two organizations" in errors[ids.B_NEW_PARTIES]
    with db.read() as s:
        assert s.scalars(select(Dispute)).one().party_of(theo.team_id, theo.id) is None
