"""Which language a Slack request is answered in.

What a person sees privately is in their Slack locale's language (users.info with include_locale,
cached by the directory). A form's inline errors are answered in the ack, which must not wait for
Slack: every modal Parley opens carries the language it was built in (`stamp`, called by the
outgoing client on views.open/push/update), and the ack reads it back from the submitted view."""

from __future__ import annotations

import json
from typing import Any

from bot import i18n

KEY = "l"  # in a modal's private_metadata (every Payload ignores keys it does not know)
METADATA_LIMIT = 3000


def of_view(body: dict[str, Any]) -> str:
    view = body.get("view")
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    if not isinstance(raw, str) or not raw.startswith("{"):
        return i18n.SOURCE
    try:
        found = json.loads(raw).get(KEY)
    except (ValueError, AttributeError, RecursionError):
        return i18n.SOURCE
    return found if found in i18n.SHIPPED else i18n.SOURCE


def stamp(view: Any) -> Any:
    """The view with the language in use added to its private_metadata (where it fits)."""
    if not isinstance(view, dict) or view.get("type") != "modal" or i18n.current() == i18n.SOURCE:
        return view
    raw = view.get("private_metadata") or "{}"
    try:
        meta = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return view
    if not isinstance(meta, dict):
        return view
    stamped = json.dumps({**meta, KEY: i18n.current()}, separators=(",", ":"))
    return {**view, "private_metadata": stamped} if len(stamped) <= METADATA_LIMIT else view
