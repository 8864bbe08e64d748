"""An organization's calendar in settings: its time zone, public holidays, working days and hours."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names

from bot import ids
from bot.blocks.inputs import input_block, option, text_input
from bot.blocks.text import Mrkdwn, context, md, plain
from bot.i18n import _, babel_locale
from bot.payloads import CalendarMeta
from bot.services.calendars import Calendar
from models import OrgCalendar


def day_names() -> dict[str, str]:
    """Monday (0) to Sunday (6), in the language in use (CLDR's names, through Babel)."""
    names = get_day_names("wide", locale=babel_locale())
    return {str(day): str(names[day]) for day in range(7)}


def calendar_modal(team_id: str, row: OrgCalendar | None, calendar: Calendar) -> dict[str, Any]:
    """What is in effect now is filled in: an admin's setting, or what Parley learnt from Slack."""
    names = day_names()
    days = [option(key, label) for key, label in names.items()]
    picked = [o for o in days if int(o["value"]) in calendar.work_days]
    working_days: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_C_DAYS, "options": days}
    if picked:
        working_days["initial_options"] = picked
    return {
        "type": "modal",
        "callback_id": ids.CALENDAR_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Working days"), 24),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Save"), 24),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Back"), 24),
        "private_metadata": CalendarMeta(team=team_id).encode(),
        "blocks": [
            context(
                _(
                    "Parley counts each side's time in its own working days: reminders reach your "
                    "people inside these hours, never on a weekend or public holiday of yours."
                )
            ),
            input_block(
                ids.B_C_ZONE,
                _("Time zone"),
                text_input(ids.A_C_ZONE, max_length=64, initial=calendar.zone.key),
                hint=_("As in your computer's settings, such as Europe/Berlin or America/New_York."),
            ),
            input_block(
                ids.B_C_COUNTRY,
                _("Public holidays of"),
                text_input(ids.A_C_COUNTRY, max_length=2, initial=calendar.country),
                optional=True,
                hint=_("A two-letter country code, such as DE, FR or BR. Empty: no public holidays."),
            ),
            input_block(
                ids.B_C_REGION,
                _("Region"),
                text_input(ids.A_C_REGION, max_length=10, initial=calendar.subdivision),
                optional=True,
                hint=_("Where holidays differ by region: its code, such as BY for Bavaria."),
            ),
            input_block(ids.B_C_DAYS, _("Working days"), working_days),
            input_block(
                ids.B_C_START,
                _("Working hours begin"),
                {
                    "type": "timepicker",
                    "action_id": ids.A_C_START,
                    "initial_time": calendar.start.strftime("%H:%M"),
                },
            ),
            input_block(
                ids.B_C_END,
                _("Working hours end"),
                {
                    "type": "timepicker",
                    "action_id": ids.A_C_END,
                    "initial_time": calendar.end.strftime("%H:%M"),
                },
            ),
            context(
                _("Parley learnt these from Slack; nothing is set here yet.")
                if row is None or row.updated_by is None
                else _("Every change is recorded in the audit trail.")
            ),
        ],
    }


def calendar_saved() -> Mrkdwn:
    return md(
        _(
            ":white_check_mark: Your organization's working days are saved. Open disputes follow "
            "them from now on."
        )
    )


def choose_days() -> str:
    return _("Choose at least one working day.")


def hours_in_order() -> str:
    return _("Working hours must end after they begin.")
