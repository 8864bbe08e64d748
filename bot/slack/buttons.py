"""Decoding button values and private_metadata; anything unreadable is a polite "stale" answer."""

from __future__ import annotations

from typing import Any

from bot.blocks.messages import stale_button
from bot.payloads import P, decode
from bot.services.errors import DomainError


class StaleButton(DomainError):
    def __init__(self) -> None:
        super().__init__(stale_button())


def button_value(body: dict[str, Any], model: type[P]) -> P:
    """A button's value, or an overflow menu's chosen option's."""
    actions = body.get("actions") or [{}]
    action = actions[0] if isinstance(actions[0], dict) else {}
    chosen = action.get("selected_option")
    raw = action.get("value") or (chosen.get("value") if isinstance(chosen, dict) else None)
    value = decode(model, raw)
    if value is None:
        raise StaleButton()
    return value


def metadata(view: dict[str, Any], model: type[P]) -> P | None:
    return decode(model, view.get("private_metadata"))
