"""Proposals: propose, counter-propose, accept, decline, withdraw, over signed HTTP."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from bot import ids
from models import Agreement, AuditEvent, Dispute, Proposal
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)

TOMORROW = (date.today() + timedelta(days=2)).isoformat()
OFFER = {
    ids.B_PR_SUMMARY: "Redo the two checkout screens by Friday",
    ids.B_PR_DETAILS: "We redo both screens to the approved mock-ups at no cost.",
    ids.B_PR_REMEDY: "redo",
    "item_text_0": "Redo the checkout screens",
    "item_owner_0": SAM.id,
    "item_due_0": TOMORROW,
}


def opened(slack, fake):
    return raise_dispute(slack, fake, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]


def posts_after(fake, ts, count):
    return thread_posts(fake, ts)[count:]


def propose(slack, fake, user, ts, answers=None, from_blocks=None, action=ids.PROPOSE):
    blocks = from_blocks or card_blocks(fake, CHANNEL, ts)
    view = click_for_modal(slack, fake, user, blocks, action)
    count = len(thread_posts(fake, ts))
    reply = slack.view_submission(user, view, {**OFFER, **(answers or {})})
    assert reply.status == 200 and reply.body == "", reply
    fake.wait_until(lambda: len(thread_posts(fake, ts)) > count, what="the proposal")
    return thread_posts(fake, ts)[-1], view


def test_propose_then_accept_from_the_other_side(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    message, _ = propose(slack, fake_slack, SAM, ts)
    text = text_of(message["blocks"])
    assert message["text"].startswith("P1: Redo the two checkout screens")
    assert "Proposed by Sam (Studio)" in text and "Redo or fix the work" in text
    assert "<@U0SAM> · due" in text
    assert "<@U0CORA>" in text and "you can accept it, suggest a change, or decline it" in text
    assert set(buttons(message["blocks"])) == {ids.ACCEPT_PROPOSAL, ids.COUNTER_PROPOSAL,
                                              ids.DECLINE_PROPOSAL, ids.WITHDRAW_PROPOSAL}
    with db.read() as session:
        assert session.scalars(select(Dispute)).one().status == "discussing"
    count = len(fake_slack.messages_in(CHANNEL, ts))
    reply = click(slack, fake_slack, CORA, message["blocks"], ids.ACCEPT_PROPOSAL)
    assert reply.status == 200
    # accepting is agreeing: one post says the agreement is in effect, with its PDF
    fake_slack.wait_until(lambda: len(fake_slack.messages_in(CHANNEL, ts)) > count,
                          what="the in-effect post")
    fake_slack.wait_for("chat.update", 2)
    new_posts = fake_slack.messages_in(CHANNEL, ts)[count:]
    assert len(new_posts) == 1 and new_posts[0]["files"]
    assert ("Studio and Client Co agreed on D-1. The agreement is in effect now."
            in new_posts[0]["blocks"][0]["text"]["text"])
    assert [u["filename"] for u in fake_slack.uploads.values()] == [
        "D-1-agreement-v1-certificate.pdf"]

    # the proposal's own message shows the acceptance in place, without its buttons
    def stored_proposal():
        return next(m for m in fake_slack.messages_in(CHANNEL, ts) if m["text"].startswith("P1:"))

    fake_slack.wait_until(lambda: "Accepted by Cora (Client Co)" in text_of(stored_proposal()["blocks"]),
                          what="the proposal's update")
    assert ids.ACCEPT_PROPOSAL not in text_of(stored_proposal()["blocks"])
    with db.read() as session:
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.status == "accepted" and proposal.decided_by.user_id == CORA.id
        assert [i.text for i in proposal.items] == ["Redo the checkout screens"]
        agreement = session.scalars(select(Agreement)).one()
        assert agreement.status == "ratified" and agreement.proposal_id == proposal.id
        assert [i.text for i in agreement.items] == ["Redo the checkout screens"]
        assert session.scalars(select(Dispute)).one().status == "agreed"
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        kinds = [e.kind for e in events]
        assert kinds[kinds.index("proposal.made"):] == [
            "proposal.made", "dispute.status_changed", "proposal.accepted",
            "dispute.status_changed", "agreement.drafted", "agreement.approved",
            "agreement.approved", "dispute.status_changed", "agreement.ratified"]
        # approved by the proposal's author and by the person who accepted it, nobody else
        assert [(e.actor_user, e.payload["via"]) for e in events if e.kind == "agreement.approved"] == [
            (SAM.id, "proposed"), (CORA.id, "accepted")]


def test_the_authors_side_cannot_accept_and_non_parties_are_refused(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    message, _ = propose(slack, fake_slack, SAM, ts)
    click(slack, fake_slack, SAM, message["blocks"], ids.ACCEPT_PROPOSAL)
    click(slack, fake_slack, SOL, message["blocks"], ids.ACCEPT_PROPOSAL)
    fake_slack.wait_for("response_url", 2)
    notes = private_notes(fake_slack)[-2:]
    assert "came from your side; the other side answers it" in notes[0]
    assert "Only the parties to D-1 can answer proposals" in notes[1]
    with db.read() as session:
        assert session.scalars(select(Proposal)).one().status == "open"


def test_counter_proposal_is_prefilled_and_supersedes(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    first, _ = propose(slack, fake_slack, SAM, ts)
    view = click_for_modal(slack, fake_slack, CORA, first["blocks"], ids.COUNTER_PROPOSAL)
    assert view["title"]["text"] == "Suggest a change"
    summary = next(b for b in view["blocks"] if b.get("block_id") == ids.B_PR_SUMMARY)
    assert summary["element"]["initial_value"] == OFFER[ids.B_PR_SUMMARY]
    owner = next(b for b in view["blocks"] if b.get("block_id") == "item_owner_0")
    assert owner["element"]["initial_user"] == SAM.id
    count = len(thread_posts(fake_slack, ts))
    slack.view_submission(CORA, view, {**OFFER, ids.B_PR_SUMMARY: "Redo the screens and a 10% credit",
                                       ids.B_PR_REMEDY: "refund", ids.B_PR_AMOUNT: "300",
                                       ids.B_PR_CURRENCY: "EUR"})
    def stored_p1():
        return next(m for m in fake_slack.messages_in(CHANNEL, ts) if m["text"].startswith("P1:"))

    fake_slack.wait_until(lambda: "Superseded by P2, a counter-proposal" in text_of(stored_p1()["blocks"]),
                          what="P1 marked superseded")
    second = posts_after(fake_slack, ts, count)[0]
    assert "in answer to P1" in text_of(second["blocks"]) and "300 EUR" in text_of(second["blocks"])
    # an old button of the superseded proposal answers politely and changes nothing
    click(slack, fake_slack, SAM, first["blocks"], ids.ACCEPT_PROPOSAL)
    click(slack, fake_slack, CORA, first["blocks"], ids.ACCEPT_PROPOSAL)
    fake_slack.wait_for("response_url", 2)
    assert "P1 was superseded by P2" in private_notes(fake_slack)[-1]
    with db.read() as session:
        rows = {p.label: (p.status, p.supersedes_id) for p in session.scalars(select(Proposal))}
        assert rows["P1"] == ("superseded", None)
        assert rows["P2"][0] == "open" and rows["P2"][1] is not None


def test_decline_with_a_reason_and_withdraw(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    first, _ = propose(slack, fake_slack, SAM, ts)
    view = click_for_modal(slack, fake_slack, CLIVE, first["blocks"], ids.DECLINE_PROPOSAL)
    count = len(thread_posts(fake_slack, ts))
    slack.view_submission(CLIVE, view, {ids.B_DECLINE_REASON: "Friday is too late for our launch."})
    fake_slack.wait_for("chat.update", 2)
    note = posts_after(fake_slack, ts, count)[0]["text"]
    assert note.startswith("Clive (Client Co) declined P1.") and "too late" in note

    def card_next():
        return text_of(card_blocks(fake_slack, CHANNEL, ts)).split("*Next*")[1]

    # the card's "Next" line follows: nothing waits for an answer once P1 is declined (Client
    # Co has not told its side yet: that is next)
    fake_slack.wait_until(lambda: "Client Co tells its side" in card_next(),
                          what="the card after the decline")
    second, _ = propose(slack, fake_slack, SAM, ts, {ids.B_PR_SUMMARY: "Redo by Wednesday"})
    fake_slack.wait_until(lambda: "Client Co answers P2" in card_next(), what="the card after P2")
    click(slack, fake_slack, CORA, second["blocks"], ids.WITHDRAW_PROPOSAL)
    fake_slack.wait_for("response_url")
    assert "Only the author of P2 can withdraw it" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, SAM, second["blocks"], ids.WITHDRAW_PROPOSAL)
    fake_slack.wait_until(lambda: "Client Co tells its side" in card_next(),
                          what="the card after the withdrawal")
    with db.read() as session:
        statuses = [(p.label, p.status, p.decline_reason) for p in
                    session.scalars(select(Proposal).order_by(Proposal.number))]
        assert statuses == [("P1", "declined", "Friday is too late for our launch."),
                            ("P2", "withdrawn", None)]


def test_an_accept_button_from_before_records_the_acceptance_only(slack, fake_slack, db):
    """Accept buttons posted before accepting made the agreement had a dialog that did not say
    so: clicking one now records the acceptance and offers the written agreement, as it did."""
    from bot.payloads import ProposalButton, decode

    ts = opened(slack, fake_slack)
    message, _ = propose(slack, fake_slack, SAM, ts)
    blocks = json.loads(json.dumps(message["blocks"]))
    accept = buttons(blocks)[ids.ACCEPT_PROPOSAL]
    accept["value"] = decode(ProposalButton, accept["value"]).model_copy(update={"b": None}).encode()
    count = len(thread_posts(fake_slack, ts))
    click(slack, fake_slack, CORA, blocks, ids.ACCEPT_PROPOSAL)
    fake_slack.wait_until(lambda: len(thread_posts(fake_slack, ts)) > count, what="the note")
    note = posts_after(fake_slack, ts, count)[0]
    assert ":handshake: Cora (Client Co) accepted P1" in note["text"]
    assert ids.DRAFT_AGREEMENT in buttons(note["blocks"]) and not note.get("files")
    with db.read() as session:
        assert session.scalars(select(Proposal)).one().status == "accepted"
        assert session.scalars(select(Agreement)).all() == []
        assert session.scalars(select(Dispute)).one().status == "discussing"


def test_an_agreement_sets_aside_the_proposals_still_open(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    ours, _ = propose(slack, fake_slack, SAM, ts)
    theirs, _ = propose(slack, fake_slack, CORA, ts, {ids.B_PR_SUMMARY: "A 20% credit instead"})
    click(slack, fake_slack, CORA, ours["blocks"], ids.ACCEPT_PROPOSAL)

    def stored(label):
        return next(m for m in fake_slack.messages_in(CHANNEL, ts) if m["text"].startswith(label))

    fake_slack.wait_until(lambda: "Set aside: an agreement took effect" in text_of(stored("P2:")["blocks"]),
                          what="P2 set aside")
    assert ids.ACCEPT_PROPOSAL not in text_of(stored("P2:")["blocks"])
    effect = next(m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files"))
    said = text_of(effect["blocks"])  # how each approval was given
    assert "Sam (Studio), by proposing it, " in said and "Cora (Client Co), by accepting it, " in said
    click(slack, fake_slack, SAM, theirs["blocks"], ids.ACCEPT_PROPOSAL)  # its old button
    fake_slack.wait_until(lambda: private_notes(fake_slack), what="the private answer")
    assert "P2 was set aside when an agreement took effect" in private_notes(fake_slack)[-1]
    with db.read() as session:
        assert [p.status for p in session.scalars(select(Proposal).order_by(Proposal.number))] == [
            "accepted", "superseded"]


def test_double_clicks_decide_once(slack, fake_slack, db):
    import threading

    ts = opened(slack, fake_slack)
    message, _ = propose(slack, fake_slack, SAM, ts)
    threads = [threading.Thread(target=click, args=(slack, fake_slack, user, message["blocks"], action))
               for user, action in ((CORA, ids.ACCEPT_PROPOSAL), (CORA, ids.ACCEPT_PROPOSAL),
                                    (CLIVE, ids.ACCEPT_PROPOSAL))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fake_slack.wait_for("response_url", 2)
    with db.read() as session:
        assert session.scalars(select(Proposal)).one().status == "accepted"
        accepted = [e for e in session.scalars(select(AuditEvent)) if e.kind == "proposal.accepted"]
        assert len(accepted) == 1
        assert len(session.scalars(select(Agreement)).all()) == 1  # accepting once agrees once
    assert sum("already been accepted" in n for n in private_notes(fake_slack)) == 2

    def shared_files():
        return [m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files")]

    fake_slack.wait_until(shared_files, what="the in-effect post")
    assert len(shared_files()) == 1 and len(fake_slack.uploads) == 1


def test_connected_org_user_proposes_and_host_accepts(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    message, _ = propose(slack, fake_slack, CORA, ts, {"item_owner_0": CORA.id})
    assert "Proposed by Cora (Client Co)" in text_of(message["blocks"])
    click(slack, fake_slack, SAM, message["blocks"], ids.ACCEPT_PROPOSAL)
    fake_slack.wait_for("chat.update", 2)
    with db.read() as session:
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.status == "accepted" and proposal.author.team_id == "T0CLIENT"


def test_add_item_rows_keeps_what_was_typed(slack, fake_slack):
    ts = opened(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    from tests.support.slack_requests import state_values

    payload = {
        "type": "block_actions", "user": {"id": SAM.id, "team_id": SAM.team_id},
        "team": {"id": SAM.team_id}, "trigger_id": "t-row",
        "view": {**view, "id": "V1", "hash": "h1",
                 "state": {"values": state_values(view, {ids.B_PR_SUMMARY: "Keep me"})}},
        "actions": [{"action_id": ids.ADD_ITEM_ROW, "block_id": ids.B_ITEM_ACTIONS, "type": "button"}],
    }
    assert slack.payload(payload).status == 200
    update = fake_slack.wait_for("views.update")[-1].args
    assert update["view_id"] == "V1" and update["hash"] == "h1"
    blocks = update["view"]["blocks"]
    assert [b["block_id"] for b in blocks if b.get("block_id", "").startswith("item_text_")] == [
        "item_text_0", "item_text_1"]
    summary = next(b for b in blocks if b.get("block_id") == ids.B_PR_SUMMARY)
    assert summary["element"]["initial_value"] == "Keep me"


def test_proposal_validation(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    reply = slack.view_submission(SAM, view, {**OFFER, ids.B_PR_DETAILS: "", ids.B_PR_AMOUNT: "-5",
                                              ids.B_PR_CURRENCY: "EUR", "item_due_0": yesterday,
                                              "item_owner_0": "U0OTHERBOT"})
    errors = reply.json()["errors"]
    assert set(errors) == {ids.B_PR_DETAILS, ids.B_PR_AMOUNT, "item_due_0", "item_owner_0"}
    assert "in the past" in errors["item_due_0"] and "is an app" in errors["item_owner_0"]
    reply = slack.view_submission(SAM, view, {**OFFER, "item_text_0": "", "item_owner_0": None})
    assert set(reply.json()["errors"]) == {"item_text_0", "item_owner_0"}
    with db.read() as session:
        assert session.scalars(select(Proposal)).all() == []
