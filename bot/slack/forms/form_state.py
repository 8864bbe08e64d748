"""Reading values out of a modal's view.state.values, tolerating anything missing or odd.

Nothing here raises, whatever the submission holds: a value of the wrong type or shape reads as
missing, and the form's own checks then ask for it again. Text loses control characters (NUL:
PostgreSQL cannot store it) and a one-line field its line breaks; ids and dates are returned
only when they look like Slack's."""

from __future__ import annotations

import re
from typing import Any

from bot.services.people_text import many_lines, one_line

SLACK_ID = re.compile(r"[A-Z0-9]{1,40}")  # users (U…/W…), conversations (C…/G…/D…)
TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # what Slack's datepicker sends


def _element(values: Any, block: str, action: str) -> dict[str, Any]:
    inputs = values.get(block) if isinstance(values, dict) else None
    element = inputs.get(action) if isinstance(inputs, dict) else None
    return element if isinstance(element, dict) else {}


def _slack_id(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and SLACK_ID.fullmatch(raw) else None


def text(values: Any, block: str, action: str) -> str:
    """A multi-line field's text (bot/services/people_text.py: its lines, no control
    characters)."""
    raw = _element(values, block, action).get("value")
    return many_lines(raw) if isinstance(raw, str) else ""


def line(values: Any, block: str, action: str) -> str:
    """A one-line field's text: on one line whatever the submission carried (Slack's one-line
    input sends none, a crafted request may)."""
    raw = _element(values, block, action).get("value")
    return one_line(raw) if isinstance(raw, str) else ""


def selected(values: Any, block: str, action: str) -> str | None:
    option = _element(values, block, action).get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return option["value"]
    return None


def user(values: Any, block: str, action: str) -> str | None:
    return _slack_id(_element(values, block, action).get("selected_user"))


def users(values: Any, block: str, action: str) -> list[str]:
    raw = _element(values, block, action).get("selected_users")
    return [u for u in raw if _slack_id(u)] if isinstance(raw, list) else []


def date(values: Any, block: str, action: str) -> str | None:
    raw = _element(values, block, action).get("selected_date")
    return raw if isinstance(raw, str) and ISO_DATE.fullmatch(raw) else None


def time_of_day(values: Any, block: str, action: str) -> str | None:
    raw = _element(values, block, action).get("selected_time")
    return raw if isinstance(raw, str) and TIME_OF_DAY.fullmatch(raw) else None


def checked(values: Any, block: str, action: str) -> list[str]:
    raw = _element(values, block, action).get("selected_options")
    if not isinstance(raw, list):
        return []
    return [o["value"] for o in raw if isinstance(o, dict) and isinstance(o.get("value"), str)]


def conversation(values: Any, block: str, action: str) -> str | None:
    return _slack_id(_element(values, block, action).get("selected_conversation"))


SLACK_FILE_ID = re.compile(r"F[A-Z0-9]{2,30}")  # within the column (32)


def files(values: Any, block: str, action: str) -> list[dict[str, Any]]:
    """A file input's files, as Slack describes them (id, name, size, mimetype, permalink):
    only entries with a file id Slack could have given; the rest is ignored."""
    raw = _element(values, block, action).get("files")
    if not isinstance(raw, list):
        return []
    found = []
    for entry in raw[:50]:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and SLACK_FILE_ID.fullmatch(entry["id"])
        ):
            found.append(entry)
    return found
