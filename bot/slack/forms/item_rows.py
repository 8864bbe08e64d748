"""Reading and checking the action-item rows of the proposal and agreement modals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.items import ITEM_MAX, ItemValues
from bot.i18n import _
from bot.services.proposals import ItemDraft
from bot.slack.directory import Directory
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import required_text
from bot.slack.forms.people_check import resolve_people


def read_items(values: dict[str, Any], rows: int) -> list[ItemValues]:
    return [
        ItemValues(
            text=state.line(values, ids.B_ITEM_TEXT.format(i), ids.A_ITEM_TEXT),
            owner=state.user(values, ids.B_ITEM_OWNER.format(i), ids.A_ITEM_OWNER),
            due=state.date(values, ids.B_ITEM_DUE.format(i), ids.A_ITEM_DUE),
        )
        for i in range(rows)
    ]


def today_for(directory: Directory, user_id: str) -> date:
    """Today in the person's own time zone (a due date of 'today' is never 'in the past')."""
    try:
        zone = ZoneInfo(directory.lookup(user_id).tz or "UTC")
    except (SlackApiError, ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def check_items(
    items: list[ItemValues], today: date, directory: Directory, errors: dict[str, str]
) -> list[ItemDraft]:
    """Drafts for the rows that are filled in; a partly filled row gets inline errors."""
    drafts = []
    for row, item in enumerate(items):
        if not (item.text or item.owner or item.due):
            continue
        text_block, owner_block, due_block = (
            b.format(row) for b in (ids.B_ITEM_TEXT, ids.B_ITEM_OWNER, ids.B_ITEM_DUE)
        )
        required_text(errors, text_block, item.text, ITEM_MAX, _("Say what will be done."))
        due: date | None = None
        if not item.due:
            errors[due_block] = _("Pick a due date.")
        else:
            try:
                due = date.fromisoformat(item.due)
            except ValueError:
                errors[due_block] = _("Pick a valid date.")
            else:
                if due < today:
                    errors[due_block] = _("The due date is in the past; pick today or later.")
        owner = None
        if not item.owner:
            errors[owner_block] = _("Choose who will do it.")
        else:
            people, problem = resolve_people(directory, [item.owner])
            if problem:
                errors[owner_block] = problem
            else:
                owner = people[0].person
        if owner is not None and due is not None and text_block not in errors:
            drafts.append(ItemDraft(item.text, owner, due))
    return drafts
