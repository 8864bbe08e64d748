"""Each organization's calendar in settings, learnt from Slack until an admin sets it; whose turn
it is on the card, and each organization's pace in App Home (issue 31)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import ids
from models import AuditEvent, OrgCalendar, SlackDefaults, Turn
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import card_blocks, click_for_modal
from tests.e2e.test_happy_path import latest_view, readable

DUBAI = {ids.B_C_ZONE: "Asia/Dubai", ids.B_C_COUNTRY: "ae", ids.B_C_REGION: "",
         ids.B_C_DAYS: ["6", "0", "1", "2", "3"], ids.B_C_START: "08:00", ids.B_C_END: "16:00"}


def calendar_form(slack, fake_slack, user):
    slack.command(user, "settings")
    settings = fake_slack.calls_to("views.open")[-1].args["view"]
    before = len(fake_slack.calls_to("views.push"))
    assert settings["callback_id"] == ids.SETTINGS_MODAL
    slack.block_action(user, ids.CALENDAR_START)
    return fake_slack.wait_for("views.push", before + 1)[-1].args["view"]


def test_an_admin_sets_their_organizations_calendar_and_unknown_values_are_refused_inline(
        slack, fake_slack, db):
    fake_slack.users[SAM.id]["is_admin"] = True
    form = calendar_form(slack, fake_slack, SAM)
    assert form["callback_id"] == ids.CALENDAR_MODAL
    # What Slack says fills it in: Sam's time zone, and its country's holidays and week.
    values = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"}
    assert values[ids.B_C_ZONE] == "Europe/London" and values[ids.B_C_COUNTRY] == "GB"

    for wrong, block in ((ids.B_C_ZONE, "Europe/Atlantis"), (ids.B_C_COUNTRY, "XX"), (ids.B_C_REGION, "ZZ")):
        errors = slack.view_submission(SAM, form, {**DUBAI, wrong: block}).json()["errors"]
        assert list(errors) == [wrong] and block in errors[wrong]
    errors = slack.view_submission(SAM, form, {**DUBAI, ids.B_C_DAYS: []}).json()["errors"]
    assert "at least one working day" in errors[ids.B_C_DAYS]
    errors = slack.view_submission(SAM, form, {**DUBAI, ids.B_C_END: "07:00"}).json()["errors"]
    assert "end after they begin" in errors[ids.B_C_END]
    with db.read() as s:
        assert s.get(OrgCalendar, SAM.team_id) is None  # nothing saved by a refused form

    assert slack.view_submission(SAM, form, DUBAI).body == ""
    with db.read() as s:
        row = s.get(OrgCalendar, SAM.team_id)
        assert (row.time_zone, row.country, row.work_days, row.day_start, row.day_end) == (
            "Asia/Dubai", "AE", "0,1,2,3,6", "08:00", "16:00")
        changed = {e.payload["field"] for e in s.scalars(select(AuditEvent)) if e.kind == "calendar.changed"}
        assert changed == {"time_zone", "country", "work_days", "day_start", "day_end"}
    assert "working days are saved" in fake_slack.calls_to("chat.postMessage")[-1].args["text"]


def test_only_an_admin_of_the_organization_sets_its_calendar(slack, fake_slack, db):
    slack.command(SOL, "settings")
    assert "Only workspace admins" in fake_slack.calls_to("response_url")[-1].args["text"]
    fake_slack.users[SAM.id]["is_admin"] = True
    form = calendar_form(slack, fake_slack, SAM)
    # A non-admin who submits the form (a crafted request) is refused, and nothing is saved.
    errors = slack.view_submission(SOL, form, DUBAI).json()["errors"]
    assert "Only workspace admins" in errors[ids.B_C_ZONE]
    with db.read() as s:
        assert s.get(OrgCalendar, SAM.team_id) is None


def test_the_card_says_whose_turn_it_is_and_app_home_a_fair_record_of_both(slack, fake_slack, db):
    fake_slack.users[CORA.id].update(tz="Europe/Berlin", locale="de-DE")
    fake_slack.users[CLIVE.id].update(tz="Europe/Berlin", locale="de-DE")
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    with db.read() as s:
        # Named in the form: Client Co's calendar is learnt from Slack before its turn begins.
        assert s.get(SlackDefaults, CORA.team_id).time_zone == "Europe/Berlin"
        assert [(t.side, t.step) for t in s.scalars(select(Turn).where(Turn.ended_at.is_(None)))] == [
            ("client", "share")]
    card = card_blocks(fake_slack, CHANNEL, ts)
    turn = [t for t in readable(card) if "turn, by" in t]
    assert len(turn) == 1 and "Client Co's turn, by <!date^" in turn[0] and "Client Co's working days" in turn[0]

    view = click_for_modal(slack, fake_slack, CORA, card, ids.SHARE_PERSPECTIVE)
    slack.view_submission(CORA, view, {ids.B_P_HAPPENED: "Late.", ids.B_P_IMPACT: "A week.",
                                       ids.B_P_RESOLUTION: "A credit."})
    slack.event({"type": "app_home_opened", "user": SAM.id, "tab": "home"})
    home = json.dumps(fake_slack.wait_for("views.publish")[-1].args["view"])
    assert "How long each side takes" in home and "*Client Co*:" in home
    assert "working days a turn, over 1 turn" in home
    assert latest_view(fake_slack)  # (the form was opened)
