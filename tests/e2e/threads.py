"""Helpers for steps inside a dispute thread: find buttons, open their modals, submit them."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from tests.fakeslack import FakeSlack
from tests.support.slack_requests import Reply, SlackSender, User


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The actions of a message: buttons, and overflow menus (with their options)."""
    return {e["action_id"]: e for b in blocks if b.get("type") == "actions" for e in b["elements"]}


# The card's menu (ids.CARD_MORE) offers what older cards had buttons for.
IN_CARD_MENU = {ids.SHARE_PERSPECTIVE: "share", ids.PROPOSE: "propose", ids.DRAFT_AGREEMENT: "draft",
                ids.ADD_PARTY: "party", ids.ASK_MEDIATOR: "mediator", ids.CLOSE_DISPUTE: "close"}


def menu_option(blocks: list[dict[str, Any]], action_id: str) -> str | None:
    """The card menu's option that does what `action_id`'s button did, if the menu has one."""
    menu = buttons(blocks).get(ids.CARD_MORE)
    verb = IN_CARD_MENU.get(action_id)
    if menu is None or verb is None:
        return None
    return next((o["value"] for o in menu["options"] if json.loads(o["value"])["o"] == verb), None)


def last_update(fake: FakeSlack, text_starts: str) -> list[dict[str, Any]]:
    """The blocks of the latest chat.update of a message whose text starts so ("Agreement v1")."""
    found = [c.args for c in fake.calls_to("chat.update")
             if str(c.args.get("text", "")).startswith(text_starts)]
    assert found, f"no update of a message starting {text_starts!r}"
    return found[-1]["blocks"]


def card_blocks(fake: FakeSlack, channel: str, ts: str) -> list[dict[str, Any]]:
    return fake.messages[(channel, ts)]["blocks"]


def click(slack: SlackSender, fake: FakeSlack, user: User, blocks: list[dict[str, Any]],
          action_id: str, message_ts: str = "1700000000.000001") -> Reply:
    """A click on the message's button `action_id`; on a card, the same choice in its menu
    where the card has no such button."""
    found = buttons(blocks)
    if action_id not in found and (option := menu_option(blocks, action_id)) is not None:
        return slack.block_action(user, ids.CARD_MORE, option=option, message_ts=message_ts)
    element = found[action_id]
    if element.get("type") == "overflow":
        return slack.block_action(user, action_id, option=element["options"][0]["value"],
                                  message_ts=message_ts)
    return slack.block_action(user, action_id, element.get("value"), message_ts=message_ts)


def click_for_modal(slack: SlackSender, fake: FakeSlack, user: User, blocks: list[dict[str, Any]],
                    action_id: str) -> dict[str, Any]:
    before = len(fake.calls_to("views.open"))
    reply = click(slack, fake, user, blocks, action_id)
    assert reply.status == 200, reply
    return fake.wait_for("views.open", before + 1)[-1].args["view"]


def thread_posts(fake: FakeSlack, thread_ts: str) -> list[dict[str, Any]]:
    return [c.args for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == thread_ts]


def private_notes(fake: FakeSlack) -> list[str]:
    return [c.args.get("text", "") for c in fake.calls if c.method in ("response_url", "chat.postEphemeral")]


def text_of(obj: Any) -> str:
    """Everything a payload says, as one string (non-ASCII kept as is)."""
    return json.dumps(obj, ensure_ascii=False)
