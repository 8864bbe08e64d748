"""Input blocks for modals, with initial values so a modal can be shown again as it was typed."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import Mrkdwn, md, plain, section
from bot.i18n import _

OPTION_TEXT_LIMIT = 75


def option(value: str, label: str) -> dict[str, Any]:
    """A select's option; its label is cut to Slack's 75 characters (a long display name
    would otherwise make Slack refuse the whole modal)."""
    return {"text": plain(label, OPTION_TEXT_LIMIT), "value": value}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(
    action_id: str,
    *,
    max_length: int,
    multiline: bool = False,
    initial: str | None = None,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def static_select(
    action_id: str, options: dict[str, str], *, initial: str | None = None, placeholder: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "options": [option(k, v) for k, v in options.items()],
    }
    if initial in options:
        element["initial_option"] = option(initial, options[initial])
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def user_select(
    action_id: str, *, initial: str | None = None, placeholder: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "action_id": action_id}
    if initial:
        element["initial_user"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def multi_user_select(
    action_id: str, *, max_selected: int, initial: list[str] | None = None, placeholder: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": action_id,
        "max_selected_items": max_selected,
    }
    if initial:
        element["initial_users"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def date_picker(action_id: str, *, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if initial:
        element["initial_date"] = initial
    return element


def tone_note(suggestions: list[str]) -> list[dict[str, Any]]:
    """The gentle note shown above the fields when the text reads as heated."""
    if not suggestions:
        return []
    lines = Mrkdwn("\n").join(md("• {s}", s=s) for s in suggestions)
    return [
        section(
            md(
                # Translators: {lines} are suggestions, one a line, each starting with "• ".
                _(
                    ":seedling: *A gentle check before this is posted*\n{lines}\nYou can edit the "
                    "text below, or submit it again as it is and it will be posted."
                ),
                lines=lines,
            )
        ),
        {"type": "divider"},
    ]
