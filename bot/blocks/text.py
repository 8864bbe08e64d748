"""Block Kit text helpers shared by the builders. Every mrkdwn text object is made here, from
`Mrkdwn` (see bot/blocks/mrkdwn.py); a plain `str` given to them is escaped, never trusted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.blocks.mrkdwn import (
    Mrkdwn,
    channel_link,
    escape,
    inline,
    link,
    md,
    mention,
    mentions,
    quoted,
    slack_date,
    truncate,
)
from bot.i18n import _
from bot.services.people_text import many_lines

__all__ = [
    "Mrkdwn",
    "and_join",
    "button",
    "channel_link",
    "context",
    "escape",
    "fields",
    "inline",
    "link",
    "md",
    "mention",
    "mentions",
    "mrkdwn",
    "plain",
    "quote_sections",
    "quoted",
    "section",
    "slack_date",
    "truncate",
]

SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    """A plain_text object: shown exactly as given, never parsed, so never escaped."""
    return {"type": "plain_text", "text": truncate(str(text), limit) if limit else str(text), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(escape(text), limit)}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def fields(*texts: str) -> dict[str, Any]:
    """A section of short two-column fields."""
    return {"type": "section", "fields": [mrkdwn(t, FIELD_TEXT_LIMIT) for t in texts]}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def quote_sections(heading: Mrkdwn | None, text: str) -> list[dict[str, Any]]:
    """People's multi-line text as a block quote under Parley's `heading`, in as many sections
    as it takes to show all of it (Block Kit takes 3,000 characters a section)."""
    parts = _parts(many_lines(text))
    return [
        section(heading + Mrkdwn("\n") + quoted(part) if heading is not None and n == 0 else quoted(part))
        for n, part in enumerate(parts)
    ]


def _parts(text: str, size: int = 450) -> list[str]:
    """Text in pieces that each fit a section once escaped and quoted (a character can become
    five, `&amp;`, and a line gains a `>`: 450 × 6 leaves room under Block Kit's 3,000 for a
    heading), cut at line ends or spaces."""
    parts, rest = [], text
    while len(rest) > size:
        cut = max(rest.rfind("\n", 0, size), rest.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ")
    return [*parts, rest]


def and_join(items: Iterable[str]) -> str:
    """ "A", "A and B", "A and B and C": plain names (not `Mrkdwn`: the result is plain text, for
    a value of `md()`), joined in the language in use."""
    parts = list(items)
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        # Translators: two names, such as "Studio and Client Co" ({first} may itself be such a pair).
        joined = _("{first} and {second}").format(first=joined, second=part)
    return joined


def button(text: str, action_id: str, value: str | None = None, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if style:
        element["style"] = style
    return element
