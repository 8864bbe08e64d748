"""Every button and every form Parley registers, used by people who may not use them (issue 25):
a person of the studio who is not a party, a person of a third organization in the channel, and
the client organization's admin who is not a party. Each is told privately, and nothing is
written: not a row of any table (but the request keys that stop replays), not a message in the
shared channel, not a form opened.

The buttons and forms are the real ones: a few disputes are taken through every state a button
or a form appears in, as their parties would, and every value and view Parley sent is kept.
The walk then checks that it holds every action and view the listener tables register, so a new
one cannot be left out of it. Raising a dispute is not in the walk: anyone in the channel may."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, MetaData, select

from bot import ids
from bot.payloads import CardOption, DisputeButton
from bot.slack.listeners import FEATURES
from models import CheckIn, utcnow
from tests.conftest import CHANNEL, CLIENT_TEAM, CLIVE, CORA, SAM, SOL
from tests.e2e.agreement_steps import OFFER, post_agreement, proposal_to_draft
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import buttons, card_blocks, click, click_for_modal, thread_posts
from tests.support.slack_requests import User
from tests.support.ticks import post_due_checkins

THIRD = User("U0THIRD", "T0THIRD", "theo")  # a third organization, in the channel
CLIENT_ADMIN = User("U0CADMIN", CLIENT_TEAM, "cadmin")  # the client's admin, not a party
CLARA = User("U0CLARA", CLIENT_TEAM, "clara")  # asked to mediate by her own side, waiting
OUTSIDERS = (SOL, THIRD, CLIENT_ADMIN)
OPEN_TO_EVERYONE = {ids.RAISE_DISPUTE, ids.OPEN_DISPUTE_MODAL}  # raising a dispute
# Buttons only older messages carry (new cards offer these in their menu, ids.CARD_MORE): the walk
# clicks them with the value those messages had.
LEGACY = {ids.ADD_PARTY, ids.ASK_MEDIATOR, ids.CLOSE_DISPUTE, ids.DRAFT_AGREEMENT}
DUE = (date.today() + timedelta(days=10)).isoformat()
# The keys that make each request count once, and what Slack says of an organization's people (a
# cache of Slack's answers, learnt from whoever acts: bot/slack/listen.py).
NOT_DATA = {"handled_requests", "slack_defaults"}
_fresh = itertools.count(1)

# What a person types into each form: valid answers, so that only who they are stops them.
ANSWERS: dict[str, dict[str, Any]] = {
    ids.PERSPECTIVE_MODAL: {ids.B_P_HAPPENED: "It was late.", ids.B_P_IMPACT: "A week lost.",
                            ids.B_P_RESOLUTION: "A credit."},
    ids.PROPOSAL_MODAL: OFFER,
    ids.DECLINE_MODAL: {ids.B_DECLINE_REASON: "No."},
    ids.ADD_PARTY_MODAL: {ids.B_NEW_PARTIES: [CLARA.id]},
    ids.AGREEMENT_MODAL: {ids.B_AG_TERMS: "Other terms.", "item_text_0": "Redo it",
                          "item_owner_0": SAM.id, "item_due_0": DUE},
    ids.CHANGES_MODAL: {ids.B_CHANGES: "Change it."},
    ids.FEEDBACK_MODAL: {ids.B_RATING: "1", ids.B_COMMENT: "Bad."},
    ids.NEW_DATE_MODAL: {ids.B_NEW_DATE: DUE},
    ids.CLOSE_MODAL: {ids.B_CLOSE_REASON: "Closing it."},
    ids.LESSONS_MODAL: {ids.B_ROOT_CAUSE: "process", ids.B_CHANGE: "Nothing."},
    ids.MEDIATOR_MODAL: {ids.B_MEDIATOR_ANYONE: THIRD.id, ids.B_MEDIATOR_REASON: "Stuck."},
    ids.SETTINGS_MODAL: {ids.B_S_SCOPE: "workspace", ids.B_S_CHECKINS: ["14"], ids.B_S_NUDGE: "3",
                         ids.B_S_AGREEMENT: "14", ids.B_S_SEAL: "open", ids.B_S_APPROVALS: "everyone"},
    ids.ERASE_MODAL: {ids.B_ERASE_SURE: ["yes"]},
    ids.CALENDAR_MODAL: {ids.B_C_ZONE: "Asia/Tokyo", ids.B_C_COUNTRY: "JP", ids.B_C_DAYS: ["0", "1"],
                         ids.B_C_START: "08:00", ids.B_C_END: "12:00"},
    ids.SETTLE_ASK_MODAL: {ids.B_ST_PAYER: "provider", ids.B_ST_CURRENCY: "EUR", ids.B_ST_AMOUNT: "100"},
    ids.SETTLE_LIMIT_MODAL: {ids.B_ST_LIMIT: "50"},
    ids.EVIDENCE_MODAL: {ids.B_EV_LINK: "https://parley-test.slack.com/archives/C0SHARED/p1700000000000100",
                         ids.B_EV_NOTE: "The brief."},
}


def answers_for(callback_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """ANSWERS, or for the message shortcut's form the first dispute it offers."""
    if callback_id == ids.MESSAGE_EVIDENCE_MODAL:
        picker = next(b for b in view["blocks"] if b.get("block_id") == ids.B_EV_DISPUTE)
        return {ids.B_EV_DISPUTE: picker["element"]["options"][0]["value"], ids.B_EV_NOTE: "Said."}
    return ANSWERS[callback_id]


class Seen:
    """Every button (action id → its values) and every form (callback id → the view) Parley
    sent to the fake Slack, in messages, updates, modals and pushed modals."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake

    def buttons(self) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for call in self.fake.calls:
            shared = call.args.get("blocks")
            if isinstance(shared, str):  # a file shared with a message (files.completeUploadExternal)
                shared = json.loads(shared)
            for blocks in (shared, (call.args.get("view") or {}).get("blocks")):
                if isinstance(blocks, list):
                    for action_id, element in buttons(blocks).items():
                        found.setdefault(action_id, []).append(element)
        return found

    def views(self) -> dict[str, dict[str, Any]]:
        found = {}
        for call in self.fake.calls:
            view = call.args.get("view")
            if call.method in ("views.open", "views.push", "views.update") and isinstance(view, dict):
                found[view["callback_id"]] = view
        return found


def stage(slack, fake_slack, parley, db) -> None:
    """Take disputes through every state a button or a form of Parley's appears in."""
    fake_slack.users[SAM.id]["is_admin"] = True
    # D-1: open, with a proposal on the table and a mediator waiting for the studio's answer.
    ts1 = raise_dispute(slack, fake_slack, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]
    card = card_blocks(fake_slack, CHANNEL, ts1)
    for user, action in ((SAM, ids.ADD_PARTY), (SAM, ids.CLOSE_DISPUTE)):
        click_for_modal(slack, fake_slack, user, card, action)
    share = click_for_modal(slack, fake_slack, CORA, card, ids.SHARE_PERSPECTIVE)
    slack.view_submission(CORA, share, ANSWERS[ids.PERSPECTIVE_MODAL])  # both told: Propose next
    card = card_blocks(fake_slack, CHANNEL, ts1)
    proposal_form = click_for_modal(slack, fake_slack, SAM, card, ids.PROPOSE)
    slack.view_submission(SAM, proposal_form, OFFER)
    proposal = thread_posts(fake_slack, ts1)[-1]["blocks"]
    click_for_modal(slack, fake_slack, CORA, proposal, ids.DECLINE_PROPOSAL)
    click(slack, fake_slack, SAM, proposal_form["blocks"], ids.ADD_ITEM_ROW)  # one more item row
    click_for_modal(slack, fake_slack, CORA, card, ids.ADD_EVIDENCE)
    said = fake_slack.add_message(CHANNEL, "The brief, as approved.", user=CORA.id)
    slack.message_shortcut(SAM, ids.EVIDENCE_SHORTCUT, {"type": "message", "ts": said, "user": CORA.id,
                                                        "text": "The brief, as approved."})
    # … settling its amount privately, asked by the client, joined by the studio
    d1 = json.loads(buttons(card)[ids.CARD_MORE]["options"][0]["value"])["d"]
    slack.block_action(CORA, ids.CARD_MORE, option=CardOption(d=d1, o="settle").encode())
    settle_form = fake_slack.calls_to("views.open")[-1].args["view"]
    slack.view_submission(CORA, settle_form, ANSWERS[ids.SETTLE_ASK_MODAL])
    asked = thread_posts(fake_slack, ts1)[-1]["blocks"]
    click(slack, fake_slack, SAM, asked, ids.SETTLE_JOIN)
    fake_slack.wait_until(lambda: any(ids.SETTLE_LIMIT in json.dumps(c.args.get("blocks"))
                                      for c in fake_slack.calls_to("chat.update")), what="round 1")
    round_one = next(c.args["blocks"] for c in reversed(fake_slack.calls_to("chat.update"))
                     if ids.SETTLE_LIMIT in json.dumps(c.args.get("blocks")))
    click_for_modal(slack, fake_slack, SAM, round_one, ids.SETTLE_LIMIT)
    mediator_form = click_for_modal(slack, fake_slack, CORA, card, ids.ASK_MEDIATOR)
    slack.view_submission(CORA, mediator_form, {ids.B_MEDIATOR_ANYONE: CLARA.id,
                                                ids.B_MEDIATOR_REASON: "Stuck."})
    # D-2: an agreement waiting for approval.
    ts2, note = proposal_to_draft(slack, fake_slack)
    form, agreement = post_agreement(slack, fake_slack, SAM, note["blocks"])
    click(slack, fake_slack, SAM, form["blocks"], ids.ADD_AGREEMENT_ITEM_ROW)
    click_for_modal(slack, fake_slack, CORA, agreement["blocks"], ids.REQUEST_CHANGES)
    # D-3: in effect, a check-in answered "not yet": a new date, reopening, a mediator.
    ts3, note = proposal_to_draft(slack, fake_slack)
    _, agreement = post_agreement(slack, fake_slack, SAM, note["blocks"])
    for user in (SAM, CORA):
        click(slack, fake_slack, user, agreement["blocks"], ids.APPROVE_AGREEMENT)
    due_now(db)
    assert post_due_checkins(parley) >= 1
    checkin = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, CORA, checkin["blocks"], ids.CHECKIN_NOT_YET)
    options = fake_slack.calls_to("chat.postMessage")[-1].args
    click_for_modal(slack, fake_slack, SAM, options["blocks"], ids.NEW_DATE)
    # D-4: done, confirmed, feedback and lessons learned asked for.
    ts4, note = proposal_to_draft(slack, fake_slack)
    _, agreement = post_agreement(slack, fake_slack, SAM, note["blocks"])
    for user in (SAM, CORA):
        click(slack, fake_slack, user, agreement["blocks"], ids.APPROVE_AGREEMENT)
    due_now(db)
    post_due_checkins(parley)
    checkin = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, SAM, checkin["blocks"], ids.CHECKIN_DONE)
    ask = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, CORA, ask["blocks"], ids.CONFIRM_RESOLVED)
    done, lessons = [c.args for c in fake_slack.calls_to("chat.postMessage")][-2:]
    click_for_modal(slack, fake_slack, CORA, done["blocks"], ids.GIVE_FEEDBACK)
    click_for_modal(slack, fake_slack, SAM, lessons["blocks"], ids.RECORD_LESSONS)
    # The studio admin's settings, and the confirmation to delete its data.
    assert slack.command(SAM, "settings").status == 200
    assert slack.block_action(SAM, ids.ERASE_START).status == 200
    fake_slack.wait_for("views.push")
    assert slack.block_action(SAM, ids.CALENDAR_START).status == 200  # its working days
    fake_slack.wait_for("views.push", count=2)


def due_now(db) -> None:
    with db.transaction() as s:
        for row in s.scalars(select(CheckIn).where(CheckIn.status == "pending")):
            row.due_at = utcnow() - timedelta(minutes=1)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the request keys), as the database holds it."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted(map(tuple, conn.execute(table.select())), key=repr)
                for name, table in tables.tables.items() if name not in NOT_DATA}


def registered(kind: str) -> set[str]:
    return {row.key for feature in FEATURES for row in feature.LISTENERS if row.kind == kind}


def told_privately(user: User, calls: list[Any], reply: Any) -> bool:
    """An answer only they see: ephemeral, through the response URL, a DM, or inline in the form."""
    if reply.body and '"response_action": "errors"' in reply.body:
        return True
    return any(c.method == "response_url" or (c.method == "chat.postEphemeral" and c.args.get("user") == user.id)
               or (c.method == "chat.postMessage" and c.args.get("channel") == user.id) for c in calls)


def test_people_who_may_not_act_change_nothing_through_any_button_or_form(
        slack, parley, fake_slack, db, engine):
    for user in (THIRD, CLIENT_ADMIN, CLARA):
        fake_slack.add_user(user.id, user.team_id, name=user.name, admin=user is CLIENT_ADMIN)
    stage(slack, fake_slack, parley, db)
    seen = Seen(fake_slack)
    found_buttons, found_views = seen.buttons(), seen.views()
    first = json.loads(found_buttons[ids.CARD_MORE][0]["options"][0]["value"])["d"]
    for action_id in LEGACY:
        found_buttons.setdefault(action_id, []).append({"value": DisputeButton(d=first).encode()})
    # The walk holds every action and every form Parley registers.
    assert registered("action") - OPEN_TO_EVERYONE <= set(found_buttons)
    assert registered("view") - OPEN_TO_EVERYONE <= set(found_views)

    before = snapshot(engine)
    attempts = 0
    for user in OUTSIDERS:
        for action_id in sorted(registered("action") - OPEN_TO_EVERYONE):
            for element in found_buttons[action_id]:
                choices = ([{"option": o["value"]} for o in element["options"]]
                           if element.get("type") == "overflow" else [{"value": element.get("value")}])
                for choice in choices:
                    start = len(fake_slack.calls)
                    reply = slack.block_action(user, action_id, **choice)
                    assert_refused(user, action_id, reply, fake_slack.calls[start:])
                    attempts += 1
        for callback_id in sorted(registered("view") - OPEN_TO_EVERYONE):
            view = {**found_views[callback_id], "id": f"V-OUT-{next(_fresh)}", "hash": f"h{next(_fresh)}"}
            start = len(fake_slack.calls)
            reply = slack.view_submission(user, view, answers_for(callback_id, view))
            assert_refused(user, callback_id, reply, fake_slack.calls[start:])
            attempts += 1
    assert attempts > 3 * 40
    assert snapshot(engine) == before  # nothing written, by anyone of them, anywhere


def assert_refused(user: User, what: str, reply: Any, calls: list[Any]) -> None:
    assert reply.status == 200, (user, what, reply)
    public = [(c.method, c.args.get("channel")) for c in calls
              if c.method in ("chat.postMessage", "chat.update", "files.completeUploadExternal",
                              "views.open", "views.push", "views.publish")
              and c.args.get("channel") != user.id]
    assert public == [], (user.name, what, public)
    assert told_privately(user, calls, reply), (user.name, what, [c.method for c in calls], reply)
