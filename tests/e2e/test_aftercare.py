"""After a check-in: answers shown in place, all done → the client side confirms → resolved and
feedback; "Not yet" → a new date, reopening, or a mediator. And nudges for stalled disputes."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import ActionItem, AuditEvent, CheckIn, Dispute, Feedback, utcnow
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
)
from tests.support.scenarios import ratified_dispute
from tests.support.ticks import a_working_morning, post_due_checkins, remind

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def posted_checkin(parley, fake, db, items=1):
    dispute_id = ratified_dispute(parley.db, STUDIO, CLIENT, items=items)
    with db.transaction() as s:  # only the first after-days check-in falls due now
        rows = s.scalars(select(CheckIn).where(CheckIn.kind == "after_days").order_by(CheckIn.due_at)).all()
        rows[0].due_at = utcnow() - timedelta(minutes=1)
    assert post_due_checkins(parley) == 1
    return dispute_id, fake.calls_to("chat.postMessage")[-1].args


def test_all_done_then_the_client_side_confirms_and_gives_feedback(slack, parley, fake_slack, db):
    dispute_id, checkin = posted_checkin(parley, fake_slack, db, items=2)
    answers = [b for b in checkin["blocks"] if b["type"] == "actions"]
    assert len(answers) == 2
    slack.block_action(SAM, ids.CHECKIN_DONE, answers[0]["elements"][0]["value"])
    live = text_of(fake_slack.calls_to("chat.update")[-1].args["blocks"])
    assert "Done, says Sam (Studio)" in live
    slack.block_action(CORA, ids.CHECKIN_DONE, answers[1]["elements"][0]["value"])
    ask = fake_slack.calls_to("chat.postMessage")[-1].args
    assert ask["text"].startswith("Every action item of D-1 is marked done. <@U0CORA>")
    slack.block_action(SAM, ids.CONFIRM_RESOLVED, buttons(ask["blocks"])[ids.CONFIRM_RESOLVED]["value"])
    assert "The other organization confirms that D-1 is resolved" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, CORA, ask["blocks"], ids.CONFIRM_RESOLVED)
    *_, done, lessons = [c.args for c in fake_slack.calls_to("chat.postMessage")]
    assert done["text"].startswith(":tada: Cora (Client Co) confirmed that D-1 is resolved.")
    assert lessons["channel"] == SAM.id and "lessons learned" in text_of(lessons["blocks"]).lower()
    with db.read() as s:
        assert s.get(Dispute, dispute_id).status == "resolved"
        assert {c.status for c in s.scalars(select(CheckIn))} >= {"cancelled"}
        assert "pending" not in {c.status for c in s.scalars(select(CheckIn))}
    view = click_for_modal(slack, fake_slack, CORA, done["blocks"], ids.GIVE_FEEDBACK)
    assert slack.view_submission(CORA, view, {ids.B_RATING: "4", ids.B_COMMENT: "Fair process."}).body == ""
    slack.view_submission(CORA, view, {ids.B_RATING: "1"})  # a second try does not count twice
    with db.read() as s:
        assert [(f.rating, f.comment) for f in s.scalars(select(Feedback))] == [(4, "Fair process.")]


def test_not_yet_offers_a_new_date_reopening_and_a_mediator(slack, parley, fake_slack, db):
    dispute_id, checkin = posted_checkin(parley, fake_slack, db)
    value = [b for b in checkin["blocks"] if b["type"] == "actions"][0]["elements"][2]["value"]
    slack.block_action(CORA, ids.CHECKIN_NOT_YET, value)
    options = fake_slack.calls_to("chat.postMessage")[-1].args
    assert options["text"].startswith("Cora (Client Co) says “Redo screen 1” is not done yet.")
    assert set(buttons(options["blocks"])) == {ids.NEW_DATE, ids.REOPEN, ids.REQUEST_MEDIATOR}
    view = click_for_modal(slack, fake_slack, SAM, options["blocks"], ids.NEW_DATE)
    past = (date.today() - timedelta(days=3)).isoformat()
    assert "in the past" in slack.view_submission(SAM, view, {ids.B_NEW_DATE: past}).json()["errors"][ids.B_NEW_DATE]
    later = date.today() + timedelta(days=20)
    slack.view_submission(SAM, view, {ids.B_NEW_DATE: later.isoformat()})
    with db.read() as s:
        assert s.scalars(select(ActionItem)).one().due_date == later
        assert len([c for c in s.scalars(select(CheckIn)) if c.kind == "item_due"]) == 2
    view = click_for_modal(slack, fake_slack, CORA, options["blocks"], ids.REQUEST_MEDIATOR)
    slack.view_submission(CORA, view, {ids.B_MEDIATOR_ANYONE: SOL.id,
                                       ids.B_MEDIATOR_REASON: "We keep missing each other's point."})
    joined = fake_slack.calls_to("chat.postMessage")[-1].args
    assert joined["text"] == "Cora (Client Co) asked for a mediator for D-1"
    assert "<@U0SOL> joins as mediator, from Studio" in json.dumps(joined["blocks"])
    click(slack, fake_slack, CORA, options["blocks"], ids.REOPEN)
    with db.read() as s:
        dispute = s.get(Dispute, dispute_id)
        assert dispute.status == "discussing" and dispute.escalated
        assert "pending" not in {c.status for c in s.scalars(select(CheckIn))}
        kinds = [e.kind for e in s.scalars(select(AuditEvent))]
        assert {"checkin.answered", "item.rescheduled", "dispute.escalated", "dispute.reopened"} <= set(kinds)
    click(slack, fake_slack, CLIVE, options["blocks"], ids.REOPEN)
    assert "Only the parties to D-1" in private_notes(fake_slack)[-1]


def test_nudges_remind_once_per_period_and_tell_an_internal_channel(slack, parley, fake_slack, db):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    fake_slack.add_channel("C0INTERNAL", shared=False)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=STUDIO, escalation_channel="C0INTERNAL")
    weeks_on = a_working_morning()  # the client's turn to share has run for weeks of working days
    assert remind(parley, weeks_on) == 2  # perspectives and agreement, both to the client
    assert remind(parley, weeks_on + timedelta(hours=1)) == 0  # once per period
    posts = [c.args for c in fake_slack.calls_to("chat.postMessage")]
    thread = [p["text"] for p in posts if p.get("thread_ts")]
    # Sam's account, given when he raised D-1, is the studio's side: only Client Co is reminded
    (nudge,) = [t for t in thread if "is waiting for your side of what happened" in t]
    assert "<@U0CORA>" in nudge and "<@U0SAM>" not in nudge
    (agreement,) = [t for t in thread if "without an agreement in effect" in t]
    assert "<@U0CORA>" in agreement and "<@U0SAM>" not in agreement  # the studio took no turn
    internal = [p for p in posts if p["channel"] == "C0INTERNAL"]
    assert len(internal) == 2
    # and it tells Cora how, by the name of the button the card shows her
    share = buttons(card_blocks(fake_slack, CHANNEL, ts))[ids.SHARE_PERSPECTIVE]["text"]["text"]
    assert f"Use *{share}* on the card" in nudge, (share, nudge)


def test_escalation_notes_never_go_to_a_shared_channel(slack, parley, fake_slack, db):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=STUDIO, escalation_channel="C0SHARED")  # a shared channel
    assert remind(parley, a_working_morning()) == 2
    to_channel = [c.args for c in fake_slack.calls_to("chat.postMessage")
                  if c.args["channel"] == "C0SHARED" and not c.args.get("thread_ts")]
    assert [p["text"] for p in to_channel if "rotating_light" in p["text"]] == []
