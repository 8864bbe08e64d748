"""`/dispute settings` → "Working days, hours and holidays…": an admin sets their own
organization's calendar (bot/services/calendars.py). Unknown time zones, countries and regions
are refused next to the field."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.calendar import calendar_modal, calendar_saved, choose_days, hours_in_order
from bot.blocks.settings import only_admins
from bot.payloads import CalendarMeta, decode
from bot.services import calendars
from bot.services.calendars import CalendarError
from bot.services.errors import NotAllowed
from bot.services.people import Person
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On

WEEKDAYS = frozenset("0123456")


def on_calendar_start(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    actor: Person = context["actor"]
    team = host_team_id(context)
    if not deps.directory.is_admin_of(actor.user_id, team):
        raise NotAllowed(only_admins())
    with deps.db.read() as session:
        row = calendars.row_of(session, team)
        calendar = calendars.calendar_of(session, team)  # the admin's settings, else Slack's
    client.views_push(trigger_id=body["trigger_id"], view=calendar_modal(team, row, calendar))


def check_calendar(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    meta = decode(CalendarMeta, view.get("private_metadata"))
    actor: Person = context["actor"]
    team = host_team_id(context)
    if meta is None or meta.team != team:
        ack(response_action="errors", errors={ids.B_C_ZONE: messages.form_out_of_date_command()})
        return
    if not deps.directory.is_admin_of(actor.user_id, team):
        ack(response_action="errors", errors={ids.B_C_ZONE: only_admins()})
        return
    values = view["state"]["values"]
    blocks = {"time_zone": ids.B_C_ZONE, "country": ids.B_C_COUNTRY, "subdivision": ids.B_C_REGION}
    try:
        zone = calendars.check("time_zone", state.line(values, ids.B_C_ZONE, ids.A_C_ZONE))
        country = calendars.check("country", state.line(values, ids.B_C_COUNTRY, ids.A_C_COUNTRY))
        region = calendars.check_subdivision(country, state.line(values, ids.B_C_REGION, ids.A_C_REGION))
    except CalendarError as refused:
        ack(response_action="errors", errors={blocks[refused.field]: str(refused)})
        return
    days = sorted({int(d) for d in state.checked(values, ids.B_C_DAYS, ids.A_C_DAYS) if d in WEEKDAYS})
    if not days:
        ack(response_action="errors", errors={ids.B_C_DAYS: choose_days()})
        return
    start = state.time_of_day(values, ids.B_C_START, ids.A_C_START) or "09:00"
    end = state.time_of_day(values, ids.B_C_END, ids.A_C_END) or "17:00"
    if end <= start:
        ack(response_action="errors", errors={ids.B_C_END: hours_in_order()})
        return
    context["form"] = {
        "team": team,
        "changes": {
            "time_zone": zone,
            "country": country,
            "subdivision": region,
            "work_days": ",".join(str(d) for d in days),
            "day_start": start,
            "day_end": end,
        },
    }
    ack()


def on_calendar_submit(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    form = context["form"]
    actor: Person = context["actor"]
    with deps.db.transaction() as session:
        calendars.set_calendar(session, form["team"], actor=actor, **form["changes"])
    tell_privately(client, body, calendar_saved())


LISTENERS = (
    On("action", ids.CALENDAR_START, on_calendar_start, REPEAT_IS_HARMLESS),
    On("view", ids.CALENDAR_MODAL, on_calendar_submit, ONCE, ack=check_calendar),
)
