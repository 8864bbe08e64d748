"""One check-in message can stand for several check-ins that fell due together (an action item
due on the day of the 7-day check-in). Answering it settles every one of them that asks about the
item, and the card, App Home and `/dispute list` show the true next check-in at every step."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.records import history
from bot.services import outbox
from bot.records.verify_export import check_export
from bot.records.export import dispute_record
from bot.services.people import Person
from models import ActionItem, AuditEvent, CheckIn, Dispute, utcnow
from tests.conftest import CORA, SAM
from tests.e2e.threads import text_of
from tests.support.scenarios import ratified_dispute
from tests.support.ticks import post_due_checkins

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def agreement_in_effect(parley, fake, items: int) -> tuple[str, str]:
    """An agreement in effect whose card Slack shows; returns the card's channel and ts."""
    dispute_id = ratified_dispute(parley.db, STUDIO, CLIENT, items=items)
    with parley.db.read() as s:
        dispute = s.get(Dispute, dispute_id)
        card = dispute.channel_id, dispute.thread_ts
    fake.add_message(card[0], "card", ts=card[1])
    return card


def named(s: Session) -> dict[str, CheckIn]:
    """The dispute's check-ins by name: "week", "month", "item 1", "item 2", …"""
    position = {i.id: i.position for i in s.scalars(select(ActionItem))}
    rows = s.scalars(select(CheckIn).order_by(CheckIn.due_at, CheckIn.id)).all()
    week, month = [r for r in rows if r.kind == "after_days"]
    return {"week": week, "month": month,
            **{f"item {position[r.action_item_id] + 1}": r for r in rows if r.action_item_id}}


def item(s: Session, number: int) -> ActionItem:
    return s.scalars(select(ActionItem).where(ActionItem.position == number - 1)).one()


def fall_due(db, *names: str) -> None:
    with db.transaction() as s:
        rows = named(s)
        for name in names:
            rows[name].due_at = utcnow() - timedelta(minutes=1)


def statuses(db) -> dict[str, tuple[str, str | None]]:
    with db.read() as s:
        return {name: (row.status, row.answer) for name, row in named(s).items()}


def moment(db, name: str) -> str:
    """How the card and the list name a check-in's moment: its Unix time in Slack's date token."""
    with db.read() as s:
        due: datetime = named(s)[name].due_at
    return f"<!date^{int(due.timestamp())}^"


def next_on_card(db, name: str) -> str:
    """What the card's *Next* section says of a check-in coming on that moment."""
    return f"*Next*\\nBoth sides do what they agreed. Parley checks in with both sides on {moment(db, name)}"


NONE_COMING = "*Next*\\nBoth sides do what they agreed.\""  # and no check-in after it


def record_checks_out(db) -> None:
    """The dispute's exported record (as `/dispute export` writes it) matches the database and
    its audit trail, as `parley verify` checks it."""
    with db.read() as s:
        dispute = s.scalars(select(Dispute)).one()
        record = dispute_record(dispute, history.gather(s, dispute), internal=True,
                                name=lambda team, user: user, team_name=lambda team: team,
                                exported_at=utcnow())
        checked = check_export(s, record)
    assert checked.matches, checked.line


def card_text(fake, card: tuple[str, str]) -> str:
    return text_of(fake.messages[card].get("blocks") or [])


def home(slack, fake, user) -> str:
    before = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user.id, "tab": "home", "channel": "D0X"})
    return text_of(fake.wait_for("views.publish", before + 1)[-1].args["view"])


def dispute_list(slack, fake) -> str:
    before = len(fake.calls_to("response_url"))
    slack.command(SAM, "list")
    return text_of(fake.wait_for("response_url", before + 1)[-1].args["blocks"])


def checkin_messages(fake) -> list[dict]:
    return [c.args for c in fake.calls_to("chat.postMessage")
            if (c.args.get("text") or "").startswith("Check-in on")]


def answer_buttons(message: dict, action_id: str) -> list[str]:
    """The values of one answer's buttons, one per action item asked about, in order."""
    return [e["value"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"] if e["action_id"] == action_id]


def test_an_item_due_on_the_day_of_the_7_day_check_in_is_settled_by_one_answer(
        slack, parley, fake_slack, db):
    card = agreement_in_effect(parley, fake_slack, items=1)
    with db.transaction() as s:  # the item is due on the day the 7-day check-in falls
        rows = named(s)
        item(s, 1).due_date = rows["week"].due_at.date()
        rows["item 1"].due_at = rows["week"].due_at
    with parley.db.transaction() as s:  # the card as drawn when it came into effect
        outbox.say(s, s.scalars(select(Dispute)).one(), "card.update")
    assert parley.deliverer() == 1
    drawn = moment(db, "week")
    assert next_on_card(db, "week") in card_text(fake_slack, card)  # the next check-in: that day
    fall_due(db, "week", "item 1")

    assert post_due_checkins(parley) == 1
    (message,) = checkin_messages(fake_slack)  # both check-ins, one message, the item asked once
    (done,) = answer_buttons(message, ids.CHECKIN_DONE)
    assert "Answer the check-in on" in home(slack, fake_slack, CORA)

    assert slack.block_action(CORA, ids.CHECKIN_DONE, done).status == 200
    assert statuses(db) == {"week": ("answered", "done"), "item 1": ("answered", "done"),
                            "month": ("pending", None)}
    with db.read() as s:
        rows = named(s)
        answered = [e.payload for e in s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "checkin.answered"))]
        assert sorted(p["checkin_id"] for p in answered) == sorted([rows["week"].id, rows["item 1"].id])
    assert {(p["answer"], p["side"], p["item"]) for p in answered} == {("done", "client", "Redo screen 1")}
    record_checks_out(db)  # each check-in's answer is backed by its own audit event
    # Every item is done: the 30-day check-in has nothing left to ask, so none is coming.
    month = moment(db, "month")
    shown = card_text(fake_slack, card)
    assert drawn not in shown and month not in shown and NONE_COMING in shown
    for user in (CORA, SAM):
        assert "Answer the check-in" not in home(slack, fake_slack, user)
    listed = dispute_list(slack, fake_slack)
    assert "D-1" in listed and drawn not in listed and month not in listed
    asked = fake_slack.calls_to("chat.postMessage")[-1].args
    assert asked["text"].startswith("Every action item of D-1 is marked done.")


def test_the_next_check_in_shown_is_the_true_next_one(slack, parley, fake_slack, db):
    """Item 1 is due with the 7-day check-in, item 2 two weeks from now."""
    card = agreement_in_effect(parley, fake_slack, items=2)
    with db.transaction() as s:
        rows = named(s)
        rows["item 1"].due_at = rows["week"].due_at
        item(s, 2).due_date = date.today() + timedelta(days=14)
        rows["item 2"].due_at = utcnow() + timedelta(days=14)
    fall_due(db, "week", "item 1")
    assert post_due_checkins(parley) == 1
    (message,) = checkin_messages(fake_slack)
    first, _ = answer_buttons(message, ids.CHECKIN_DONE)  # the 7-day check-in asks about both

    slack.block_action(CORA, ids.CHECKIN_DONE, first)
    now = statuses(db)
    assert now["item 1"] == now["week"] == ("answered", "done")
    assert now["item 2"] == now["month"] == ("pending", None)
    following = moment(db, "item 2")  # item 2's own check-in is the next one
    shown = card_text(fake_slack, card)
    assert next_on_card(db, "item 2") in shown and moment(db, "week") not in shown
    assert following in dispute_list(slack, fake_slack)


def test_each_item_s_check_in_is_settled_by_an_answer_about_that_item(slack, parley, fake_slack, db):
    """Both items are due the same day: one message for two check-ins. Until both are answered
    App Home still asks; an answer about one item settles that item's check-in only."""
    card = agreement_in_effect(parley, fake_slack, items=2)
    fall_due(db, "item 1", "item 2")
    assert post_due_checkins(parley) == 1
    (message,) = checkin_messages(fake_slack)
    first, _ = answer_buttons(message, ids.CHECKIN_DONE)
    _, partly_second = answer_buttons(message, ids.CHECKIN_PARTLY)

    slack.block_action(CORA, ids.CHECKIN_PARTLY, partly_second)
    now = statuses(db)
    assert now["item 2"] == ("answered", "partly") and now["item 1"] == ("posted", None)
    assert "Answer the check-in on" in home(slack, fake_slack, SAM)

    slack.block_action(SAM, ids.CHECKIN_DONE, first)
    now = statuses(db)
    assert now["item 1"] == ("answered", "done") and now["week"] == ("pending", None)
    assert "Answer the check-in" not in home(slack, fake_slack, SAM)
    following = moment(db, "week")  # item 2 is only partly done: the 7-day check-in will ask
    shown = card_text(fake_slack, card)
    assert next_on_card(db, "week") in shown and moment(db, "item 1") not in shown
    assert following in dispute_list(slack, fake_slack)


def test_the_check_in_asks_both_sides(parley, fake_slack, db):
    agreement_in_effect(parley, fake_slack, items=1)
    fall_due(db, "week")
    post_due_checkins(parley)
    (message,) = checkin_messages(fake_slack)
    for user in (SAM, CORA):
        assert f"<@{user.id}>" in message["text"]
        assert f"<@{user.id}>" in text_of(message["blocks"][0])


def test_a_check_in_whose_items_were_answered_in_a_later_one_is_not_waiting(slack, parley, fake_slack, db):
    """The 7-day check-in went unanswered; the item's own check-in, a later message, was answered
    "done". Nothing is left to ask, so App Home asks nothing and no check-in is coming."""
    card = agreement_in_effect(parley, fake_slack, items=1)
    fall_due(db, "week")
    assert post_due_checkins(parley) == 1
    assert "Answer the check-in on" in home(slack, fake_slack, CORA)
    fall_due(db, "item 1")
    assert post_due_checkins(parley) == 1
    _, own = checkin_messages(fake_slack)
    slack.block_action(SAM, ids.CHECKIN_DONE, answer_buttons(own, ids.CHECKIN_DONE)[0])
    assert statuses(db) == {"week": ("posted", None), "item 1": ("answered", "done"),
                            "month": ("pending", None)}
    assert "Answer the check-in" not in home(slack, fake_slack, CORA)
    waiting, month = moment(db, "week"), moment(db, "month")
    shown = card_text(fake_slack, card)  # drawn again: the 7-day check-in is not waiting any more
    assert NONE_COMING in shown and waiting not in shown and month not in shown
    listed = dispute_list(slack, fake_slack)
    assert "D-1" in listed and waiting not in listed and month not in listed
