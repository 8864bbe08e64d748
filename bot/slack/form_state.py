"""Reading values out of a modal's view.state.values, tolerating anything missing or odd."""

from __future__ import annotations

from typing import Any


def _element(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    element = values.get(block, {}).get(action) if isinstance(values.get(block), dict) else None
    return element if isinstance(element, dict) else {}


def text(values: dict[str, Any], block: str, action: str) -> str:
    raw = _element(values, block, action).get("value")
    return raw.strip() if isinstance(raw, str) else ""


def selected(values: dict[str, Any], block: str, action: str) -> str | None:
    option = _element(values, block, action).get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return option["value"]
    return None


def user(values: dict[str, Any], block: str, action: str) -> str | None:
    raw = _element(values, block, action).get("selected_user")
    return raw if isinstance(raw, str) and raw else None


def users(values: dict[str, Any], block: str, action: str) -> list[str]:
    raw = _element(values, block, action).get("selected_users")
    return [u for u in raw if isinstance(u, str)] if isinstance(raw, list) else []


def date(values: dict[str, Any], block: str, action: str) -> str | None:
    raw = _element(values, block, action).get("selected_date")
    return raw if isinstance(raw, str) and raw else None


def checked(values: dict[str, Any], block: str, action: str) -> list[str]:
    raw = _element(values, block, action).get("selected_options")
    if not isinstance(raw, list):
        return []
    return [o["value"] for o in raw if isinstance(o, dict) and isinstance(o.get("value"), str)]


def conversation(values: dict[str, Any], block: str, action: str) -> str | None:
    raw = _element(values, block, action).get("selected_conversation")
    return raw if isinstance(raw, str) and raw else None
