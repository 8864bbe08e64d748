"""Requesting a mediator: from the team's list or anyone; neutral; the note stays internal."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import Dispute
from tests.conftest import BOT_USER, CHANNEL, CORA, SAM, SOL
from tests.e2e.agreement_steps import accepted_proposal, post_agreement
from tests.e2e.threads import (
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)


def test_a_listed_mediator_joins_neutral_and_may_draft_but_not_approve(slack, fake_slack, db):
    fake_slack.add_channel("C0INTERNAL", shared=False)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", SAM.id), mediators=SOL.id,
                   escalation_channel="C0INTERNAL")
    ts, note = accepted_proposal(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    listed = next(b for b in view["blocks"] if b.get("block_id") == ids.B_MEDIATOR_LISTED)
    assert [o["value"] for o in listed["element"]["options"]] == [SOL.id]
    errors = slack.view_submission(CORA, view, {ids.B_MEDIATOR_REASON: "Stuck."}).json()["errors"]
    assert "Choose one mediator" in errors[ids.B_MEDIATOR_ANYONE]
    errors = slack.view_submission(CORA, view, {ids.B_MEDIATOR_ANYONE: BOT_USER,
                                                ids.B_MEDIATOR_REASON: "Stuck."}).json()["errors"]
    assert "is an app" in errors[ids.B_MEDIATOR_ANYONE]
    slack.view_submission(CORA, view, {ids.B_MEDIATOR_LISTED: SOL.id, ids.B_MEDIATOR_REASON: "Stuck.",
                                       ids.B_MEDIATOR_NOTE: "SECRET-NOTE: client threatens to leave"})
    assert "<@U0SOL> joins as mediator" in thread_posts(fake_slack, ts)[-1]["text"]
    internal = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0INTERNAL"]
    assert len(internal) == 1 and "SECRET-NOTE" in internal[0]
    assert "SECRET-NOTE" not in text_of([c.args for c in fake_slack.calls if c.args.get("channel") == CHANNEL])
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        mediator = dispute.party_of("T0HOST", SOL.id)
        assert dispute.escalated and mediator.side == "mediator" and not mediator.can_approve
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "escalated" in card and "Mediator: <@U0SOL>" in card
    # the mediator drafts the agreement, but cannot approve it
    _, message = post_agreement(slack, fake_slack, SOL, note["blocks"])
    assert message["text"] == "Agreement v1 for D-1"
    click(slack, fake_slack, SOL, message["blocks"], ids.APPROVE_AGREEMENT)
    assert "each side approves the agreement, not the mediator" in private_notes(fake_slack)[-1]


def test_only_parties_may_request_a_mediator(slack, fake_slack):
    ts, _ = accepted_proposal(slack, fake_slack)
    click(slack, fake_slack, SOL, card_blocks(fake_slack, CHANNEL, ts), ids.ASK_MEDIATOR)
    assert "Only the parties to D-1 can request a mediator" in private_notes(fake_slack)[-1]


def test_a_stalled_dispute_offers_the_same_mediator_path(slack, parley, fake_slack, db):
    from datetime import timedelta

    from models import utcnow
    from tests.e2e.helpers import raise_dispute
    from tests.support.ticks import remind

    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    with db.transaction() as s:
        s.scalars(select(Dispute)).one().created_at = utcnow() - timedelta(days=8)
    remind(parley)
    nudge = [p for p in thread_posts(fake_slack, ts) if "without an agreement" in p["text"]][0]
    view = click_for_modal(slack, fake_slack, CORA, nudge["blocks"], ids.ASK_MEDIATOR)
    assert view["callback_id"] == ids.MEDIATOR_MODAL
