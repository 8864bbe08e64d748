"""Withdrawing and closing; lessons learned stay internal."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.payloads import DisputeButton
from bot.services.people import Person
from bot.services.policy import set_policy
from models import AuditEvent, Dispute, LessonLearned, OutboxMessage, Party, utcnow
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)


def opened(slack, fake):
    return raise_dispute(slack, fake, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]


def close_as(slack, fake, user, ts, reason="We settled this by phone."):
    view = click_for_modal(slack, fake, user, card_blocks(fake, CHANNEL, ts), ids.CLOSE_DISPUTE)
    assert slack.view_submission(user, view, {ids.B_CLOSE_REASON: reason}).body == ""
    return view


def test_the_opener_withdraws(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    view = close_as(slack, fake_slack, SAM, ts)
    assert view["title"]["text"] == "Withdraw"
    assert thread_posts(fake_slack, ts)[-1]["text"].startswith(":lock: Sam (Studio) withdrew D-1.")
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "Withdrawn by the person who raised it:\\n>We settled this by phone." in card
    assert ids.CLOSE_DISPUTE not in card and ids.SHARE_PERSPECTIVE not in card
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        assert (dispute.status, dispute.ended_how) == ("closed", "withdrawn")
    lessons = fake_slack.calls_to("chat.postMessage")[-1].args
    assert lessons["channel"] == SAM.id  # the lessons-learned request is a DM, not the thread


def test_both_sides_agree_to_close(slack, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA, SOL])["welcome"]["thread_ts"]
    view = close_as(slack, fake_slack, CORA, ts)  # not the opener: a proposal to close
    assert view["submit"]["text"] == "Propose"
    assert "proposes closing D-1" in thread_posts(fake_slack, ts)[-1]["text"]
    close_as(slack, fake_slack, CORA, ts)
    assert "already proposed closing" in fake_slack.calls_to("chat.postMessage")[-1].args["text"]
    with db.read() as s:
        assert s.scalars(select(Dispute)).one().status == "open"
    view = close_as(slack, fake_slack, SOL, ts)  # the other side agrees
    assert view["submit"]["text"] == "Close"
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        assert (dispute.status, dispute.ended_how) == ("closed", "closed")
        kinds = [e.kind for e in s.scalars(select(AuditEvent))]
        assert {"dispute.close_requested", "dispute.closed"} <= set(kinds)


def test_lessons_learned_are_recorded_and_never_reach_the_shared_channel(slack, fake_slack, db):
    fake_slack.add_channel("C0INTERNAL", shared=False)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", "U0SAM"), escalation_channel="C0INTERNAL")
    ts = opened(slack, fake_slack)
    close_as(slack, fake_slack, SAM, ts)
    request = fake_slack.calls_to("chat.postMessage")[-1].args
    view = click_for_modal(slack, fake_slack, SAM, request["blocks"], ids.RECORD_LESSONS)
    reply = slack.view_submission(SAM, view, {ids.B_ROOT_CAUSE: "expectations",
                                              ids.B_CHANGE: "Write acceptance criteria into every SOW.",
                                              ids.B_LESSON_OWNER: SAM.id})
    assert reply.body == ""
    internal = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0INTERNAL"]
    assert len(internal) == 1 and "acceptance criteria" in internal[0]["text"]
    shared = [c.args for c in fake_slack.calls if c.args.get("channel") == CHANNEL]
    assert "acceptance criteria" not in text_of(shared)
    with db.read() as s:
        assert s.scalars(select(LessonLearned)).one().root_cause == "expectations"
    # the client's people, parties to it or not, can neither open the form nor record lessons
    for person in (CORA, CLIVE):
        click_refused = slack.block_action(person, ids.RECORD_LESSONS,
                                           buttons(request["blocks"])[ids.RECORD_LESSONS]["value"])
        assert click_refused.status == 200
        assert "internal to Studio's team" in private_notes(fake_slack)[-1]
        slack.view_submission(person, {**view, "id": f"V0{person.name}"},
                              {ids.B_ROOT_CAUSE: "other", ids.B_CHANGE: "x"})
        assert "internal to Studio's team" in fake_slack.calls_to("chat.postMessage")[-1].args["text"]
    with db.read() as s:
        assert len(s.scalars(select(LessonLearned)).all()) == 1
    # the owner of a lesson is one of the studio's own people
    errors = slack.view_submission(SAM, {**view, "id": "V0AGAIN"}, {
        ids.B_ROOT_CAUSE: "other", ids.B_CHANGE: "x", ids.B_LESSON_OWNER: CORA.id}).json()["errors"]
    assert "from your own team" in errors[ids.B_LESSON_OWNER]


def test_a_one_sided_dispute_from_before_both_sides_were_required_asks_no_one_for_lessons(
        slack, fake_slack, db):
    """Opened from the client side with only the client's people (the form no longer allows
    it), then withdrawn: the studio's internal request for lessons goes to nobody rather than
    to someone of the client's organization."""
    root = fake_slack.add_message(CHANNEL, "D-1")
    with db.transaction() as s:
        dispute = Dispute(team_id="T0HOST", number=1, channel_id=CHANNEL, thread_ts=root,
                          title="Late", category="delivery", description="Late.",
                          desired_outcome="A credit.", status="open", opened_by_team=CORA.team_id,
                          opened_by_user=CORA.id, created_at=utcnow(), updated_at=utcnow())
        dispute.parties = [Party(team_id=u.team_id, user_id=u.id, side="client", can_approve=True,
                                 created_at=utcnow()) for u in (CORA, CLIVE)]
        s.add(dispute)
        s.flush()
        value = DisputeButton(d=dispute.id).encode()
    view = click_for_modal(slack, fake_slack, CORA, [{"type": "actions", "elements": [
        {"action_id": ids.CLOSE_DISPUTE, "value": value}]}], ids.CLOSE_DISPUTE)
    assert slack.view_submission(CORA, view, {ids.B_CLOSE_REASON: "Never mind."}).body == ""
    with db.read() as s:
        assert s.scalars(select(Dispute)).one().ended_how == "withdrawn"
        kinds = [r.kind for r in s.scalars(select(OutboxMessage))]
    assert "lessons.request" not in kinds
    assert not [c for c in fake_slack.calls_to("chat.postMessage")
                if c.args["channel"] in (CORA.id, CLIVE.id)]


def test_a_proposal_to_close_is_set_aside_when_the_dispute_moves_on(slack, fake_slack, db):
    """Issue 25: a side's old proposal to close must not let the other side close, alone, a
    dispute that has moved on since (with an agreement in effect, say)."""
    from tests.e2e.agreement_steps import OFFER

    ts = raise_dispute(slack, fake_slack, SAM, [CORA, SOL])["welcome"]["thread_ts"]
    close_as(slack, fake_slack, CORA, ts)
    assert "Client Co proposed closing D-1" in text_of(card_blocks(fake_slack, CHANNEL, ts))
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    assert slack.view_submission(SAM, view, OFFER).body == ""  # the dispute moves on
    assert "proposed closing" not in text_of(card_blocks(fake_slack, CHANNEL, ts))
    view = close_as(slack, fake_slack, SOL, ts)  # one click from the studio no longer closes it
    assert view["submit"]["text"] == "Propose"
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        assert (dispute.status, dispute.close_requested_side) == ("discussing", "provider")


def test_the_opener_cannot_withdraw_an_agreement_in_effect(slack, fake_slack, db):
    """Once both sides approved an agreement, its opener's close is a proposal like anyone's:
    one side does not undo what both agreed (and cancel the check-ins on its own promises)."""
    from bot.services.people import Person
    from tests.support.scenarios import ratified_dispute

    root = fake_slack.add_message(CHANNEL, "D-1")
    dispute_id = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id),
                                  thread_ts=root)
    card = [{"type": "actions", "elements": [
        {"action_id": ids.CLOSE_DISPUTE, "value": DisputeButton(d=dispute_id).encode()}]}]

    def close(user):
        view = click_for_modal(slack, fake_slack, user, card, ids.CLOSE_DISPUTE)
        assert slack.view_submission(user, view, {ids.B_CLOSE_REASON: "Done."}).body == ""
        return view

    view = close(SAM)
    assert view["title"]["text"] == "Close the dispute" and view["submit"]["text"] == "Propose"
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        assert (dispute.status, dispute.close_requested_side) == ("agreed", "provider")
    close(CORA)  # the client agrees: now it closes
    with db.read() as s:
        assert s.scalars(select(Dispute)).one().ended_how == "closed"
