"""Slack failing while people act: what they did is saved, what Parley owes is delivered once, in
order, when Slack answers again, and a message Slack refuses for good is never silently lost."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from models import Agreement, AuditEvent, Dispute, OutboxMessage, Proposal
from tests.conftest import CHANNEL, CLIVE, CORA, SAM
from tests.e2e.agreement_steps import post_agreement, proposal_to_draft
from tests.e2e.helpers import GOOD_ANSWERS, open_modal, raise_dispute
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
)
from tests.support.ticks import deliver_what_is_left


def submit_dispute(slack, fake_slack):
    view = open_modal(slack, fake_slack, SAM)
    reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    assert reply.status == 200 and reply.body == ""


def outbox_rows(db):
    with db.read() as session:
        return [(r.kind, r.status) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_dispute_opened_while_slack_fails_is_saved_told_and_posted_once_when_it_answers(
        slack, parley, fake_slack, db):
    fake_slack.fail_next("chat.postMessage", status=503)
    submit_dispute(slack, fake_slack)
    assert "D-1 is saved. Slack is not answering right now" in private_notes(fake_slack)[-1]
    with db.read() as session:
        assert session.scalars(select(Dispute)).one().thread_ts is None
    assert outbox_rows(db) == [("card", "pending"), ("welcome", "pending")]

    assert deliver_what_is_left(parley) == 2
    cards = fake_slack.messages_in(CHANNEL)
    assert len(cards) == 1 and cards[0]["text"].startswith("D-1")
    with db.read() as session:
        assert session.scalars(select(Dispute)).one().thread_ts == cards[0]["ts"]
    welcome = fake_slack.messages_in(CHANNEL, cards[0]["ts"])
    assert len(welcome) == 1 and "Studio has raised *D-1* with Client Co" in welcome[0]["text"]
    view = click_for_modal(slack, fake_slack, CORA, cards[0]["blocks"], ids.SHARE_PERSPECTIVE)
    assert view["callback_id"] == ids.PERSPECTIVE_MODAL  # the card's buttons work
    assert raise_dispute(slack, fake_slack, SAM, [CORA])["card"]["text"].startswith("D-2")


def test_a_dispute_opened_while_slack_is_down_is_told_privately_once_slack_answers(
        slack, parley, fake_slack, db):
    raise_dispute(slack, fake_slack, SAM, [CORA])  # D-1: Parley knows the people by now
    view = open_modal(slack, fake_slack, SAM)
    fake_slack.down()  # D-2's card, and the private note that it was saved: neither goes through
    reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    assert reply.status == 200 and reply.body == ""
    refused = fake_slack.calls_to("chat.postEphemeral")[-1].args
    assert refused["_refused"] and refused["text"].startswith("D-2 is saved")  # Slack said 503
    assert [k for k, s in outbox_rows(db) if s == "pending"] == ["card", "welcome", "notice.saved"]
    fake_slack.up()
    fake_slack.fail_next("chat.postMessage", lost=True, channel=SAM.id)  # posted; answer lost
    assert deliver_what_is_left(parley) == 3
    told = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == SAM.id]
    assert len(told) == 1 and told[0]["text"].startswith(
        "D-2 was saved when you sent it, while Slack was not answering")
    # … found again in the direct message by its metadata, not posted twice
    looked = [c.args["channel"] for c in fake_slack.calls_to("conversations.history")]
    assert "D0SAM" in looked and SAM.id not in looked  # the DM's own id: Slack reads no other
    assert len(fake_slack.messages_in("D0SAM")) == 1
    cards = fake_slack.messages_in(CHANNEL)
    assert [c["text"][:3] for c in cards] == ["D-1", "D-2"]
    assert "https://" in told[0]["text"]  # a link to its thread
    # nothing is posted twice, however often the tick runs
    assert deliver_what_is_left(parley) == 0
    assert len(fake_slack.messages_in(CHANNEL)) == 2
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == SAM.id]) == 1


def test_slack_entirely_down_loses_nothing_and_posts_in_order(slack, parley, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    fake_slack.down()
    slack.view_submission(SAM, view, {ids.B_PR_SUMMARY: "A refund", ids.B_PR_DETAILS: "Half of it.",
                                      ids.B_PR_REMEDY: "refund"})
    with db.read() as session:  # the proposal is saved, its message waits
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.summary == "A refund" and proposal.message_ts is None
    assert [k for k, s in outbox_rows(db) if s == "pending"] == ["proposal", "card.update"]
    refused = len(fake_slack.calls)
    fake_slack.up()
    click(slack, fake_slack, CORA, proposal_buttons(proposal), ids.ACCEPT_PROPOSAL)
    # the acceptance came after the proposal: its messages wait for the proposal's own post
    assert [c.method for c in fake_slack.calls[refused:]
            if c.method.startswith(("chat.", "files."))] == []
    pending = [k for k, s in outbox_rows(db) if s == "pending"]
    assert pending == ["proposal", "card.update", "proposal.update", "agreement.in_effect",
                       "card.update"]
    assert deliver_what_is_left(parley) == len(pending)
    replies = fake_slack.messages_in(CHANNEL, ts)
    # accepting is agreeing: after the proposal, the one post that says it is in effect
    assert replies[-2]["text"] == "P1: A refund" and replies[-1]["files"]
    assert "The agreement is in effect now" in text_of(replies[-1]["blocks"])
    with db.read() as session:
        posted = session.scalars(select(Proposal)).one().message_ts
    assert "Accepted" in text_of(fake_slack.messages[(CHANNEL, posted)]["blocks"])
    assert deliver_what_is_left(parley) == 0  # nothing twice
    assert len(fake_slack.messages_in(CHANNEL, ts)) == len(replies) and len(fake_slack.uploads) == 1


def proposal_buttons(proposal):
    """The buttons the proposal's message will carry (it was never posted while Slack was down)."""
    from bot.payloads import ProposalButton

    value = ProposalButton(d=proposal.dispute_id, p=proposal.id, b=1).encode()
    return [{"type": "actions", "elements": [{"action_id": ids.ACCEPT_PROPOSAL, "value": value}]}]


def test_ratification_while_slack_fails_is_announced_once_when_it_answers(slack, parley, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, CORA, note["blocks"])
    click(slack, fake_slack, SAM, message["blocks"], ids.APPROVE_AGREEMENT)
    fake_slack.down()
    click(slack, fake_slack, CLIVE, message["blocks"], ids.APPROVE_AGREEMENT)  # the last approval
    with db.read() as session:
        assert session.scalars(select(Agreement)).one().status == "ratified"
        assert session.scalars(select(Dispute)).one().status == "agreed"
    assert fake_slack.uploads == {}
    fake_slack.up()
    deliver_what_is_left(parley)
    # the one post that says it is in effect: a file share (its PDF), made once
    effect = [r for r in fake_slack.messages_in(CHANNEL, ts) if r.get("files")]
    assert len(effect) == 1 and "The agreement is in effect now" in text_of(effect[0]["blocks"])
    assert len([c for c in fake_slack.calls_to("files.completeUploadExternal")
                if not c.args.get("_refused")]) == 1
    agreement_message = fake_slack.messages[(CHANNEL, message_ts(db))]
    assert ids.APPROVE_AGREEMENT not in buttons(agreement_message["blocks"])
    assert "Agreed" in text_of(card_blocks(fake_slack, CHANNEL, ts))
    files = sorted(u["filename"] for u in fake_slack.uploads.values() if u.get("channel") == CHANNEL)
    assert files == ["D-1-agreement-v1-certificate.pdf"]  # once, and no Markdown file
    assert deliver_what_is_left(parley) == 0  # nothing more, ever


def message_ts(db):
    with db.read() as session:
        return session.scalars(select(Agreement)).one().message_ts


def test_a_post_whose_answer_was_lost_is_found_by_its_metadata_not_posted_twice(
        slack, parley, fake_slack, db):
    fake_slack.fail_next("chat.postMessage", lost=True)
    submit_dispute(slack, fake_slack)
    assert len(fake_slack.messages_in(CHANNEL)) == 1  # Slack posted it; the answer never came
    with db.read() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "card")).one()
        assert row.status == "pending" and row.uncertain
    deliver_what_is_left(parley)
    cards = fake_slack.messages_in(CHANNEL)
    assert len(cards) == 1  # looked up by its metadata, not posted again
    assert cards[0]["metadata"] == {"event_type": "parley_outbox", "event_payload": {"outbox_id": row.id}}
    with db.read() as session:
        assert session.scalars(select(Dispute)).one().thread_ts == cards[0]["ts"]
    assert len(fake_slack.messages_in(CHANNEL, cards[0]["ts"])) == 1  # the welcome, in its thread
    assert fake_slack.calls_to("conversations.history")


def test_slack_refusing_the_card_keeps_the_dispute_and_tells_the_opener(slack, parley, fake_slack, db):
    fake_slack.fail_next("chat.postMessage", "not_in_channel")
    submit_dispute(slack, fake_slack)
    dm = fake_slack.wait_for("chat.postMessage", 2)[-1].args
    assert dm["channel"] == SAM.id
    assert "could not post the status card about D-1" in dm["text"]
    assert "Invite @Parley to the channel again" in dm["text"]
    assert outbox_rows(db) == [("card", "failed"), ("welcome", "skipped"), ("notice.failed", "sent")]
    with db.read() as session:
        failed = session.scalars(select(AuditEvent).where(AuditEvent.kind == "delivery.failed")).one()
        assert failed.payload["error"] == "not_in_channel" and failed.payload["what"] == "card"
    slack.event({"type": "app_home_opened", "user": SAM.id, "tab": "home", "channel": "D0X"})
    home = text_of(fake_slack.wait_for("views.publish")[-1].args["view"])
    assert "Needs attention" in home and "the status card (D-1)" in home
    slack.event({"type": "app_home_opened", "user": CORA.id, "tab": "home", "channel": "D0X"})
    assert "Needs attention" not in text_of(fake_slack.wait_for("views.publish", 2)[-1].args["view"])
    assert raise_dispute(slack, fake_slack, SAM, [CORA])["card"]["text"].startswith("D-2")


def test_a_rate_limited_post_waits_for_retry_after(slack, parley, fake_slack, db):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    submit_dispute(slack, fake_slack)
    with db.read() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "card")).one()
        assert row.status == "pending" and row.last_error == "ratelimited"
        wait = (row.next_attempt_at - row.claimed_at).total_seconds() if row.claimed_at else None
    assert wait is not None and 0.9 <= wait <= 1.5
    assert parley.deliverer.pacer.ready_at(CHANNEL) > 0
    deliver_what_is_left(parley)
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 3 and posts[1].at - posts[0].at >= 0.9  # Retry-After was honoured


def test_an_in_effect_post_whose_answer_was_lost_is_found_by_its_file_not_shared_twice(
        slack, parley, fake_slack, db):
    """The "in effect" post is a file share, which carries no metadata: after a lost answer it
    is looked up in the thread by its file's name before it is shared again."""
    from tests.e2e.agreement_steps import proposal_to_draft

    ts, drafting = proposal_to_draft(slack, fake_slack)
    fake_slack.fail_next("files.completeUploadExternal", lost=True)  # shared; answer lost
    click(slack, fake_slack, CORA, drafting["proposal"]["blocks"], ids.ACCEPT_PROPOSAL)
    deliver_what_is_left(parley)
    assert deliver_what_is_left(parley) == 0
    shares = [m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files")]
    assert len(shares) == 1
    assert any(c.args.get("ts") == ts for c in fake_slack.calls_to("conversations.replies"))


def test_a_persons_file_of_the_same_name_is_not_taken_for_parleys_share(slack, parley, fake_slack, db):
    """Someone shared a file named like the agreement's PDF in the thread; Slack then fails the
    share with a 5xx (it may or may not have made it). The lookup takes only Parley's own file
    share as the one made, so the agreement is still shared."""
    from tests.e2e.agreement_steps import proposal_to_draft

    ts, drafting = proposal_to_draft(slack, fake_slack)
    theirs = fake_slack.add_message(CHANNEL, "", thread_ts=ts, user=CORA.id)
    fake_slack.messages[(CHANNEL, theirs)].update(files=["F0CORA"],
                                                  file_names=["D-1-agreement-v1-certificate.pdf"])
    fake_slack.fail_next("files.completeUploadExternal", status=503)  # not shared
    click(slack, fake_slack, CORA, drafting["proposal"]["blocks"], ids.ACCEPT_PROPOSAL)
    deliver_what_is_left(parley)
    shares = [m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files")]
    assert [m["user"] for m in shares] == [CORA.id, fake_slack.bot_user]
    assert any(c.args.get("ts") == ts for c in fake_slack.calls_to("conversations.replies"))


def test_a_file_share_whose_button_slack_refuses_is_shared_again_without_it(slack, parley, fake_slack, db):
    """If Slack will not take the "How to check this record" button on a file share, the
    agreement is shared in the thread all the same, without it: no written-out fallback."""
    from tests.e2e.agreement_steps import proposal_to_draft

    ts, drafting = proposal_to_draft(slack, fake_slack)
    fake_slack.fail_next("files.completeUploadExternal", "invalid_blocks")
    click(slack, fake_slack, CORA, drafting["proposal"]["blocks"], ids.ACCEPT_PROPOSAL)
    deliver_what_is_left(parley)
    shares = [m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files")]
    assert len(shares) == 1 and "The agreement is in effect now" in text_of(shares[0]["blocks"])
    assert ids.HOW_TO_CHECK not in text_of(shares[0]["blocks"])
    assert not any("written out" in text_of(m.get("blocks")) for m in fake_slack.messages_in(CHANNEL, ts))
    assert not [u for u in fake_slack.uploads.values() if (u.get("channel") or "").startswith("D")]
    with db.read() as session:
        assert "notice.failed" not in {r.kind for r in session.scalars(select(OutboxMessage))}
