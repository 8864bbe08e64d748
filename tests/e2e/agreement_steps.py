"""Steps to reach an agreement in a dispute thread, for end-to-end tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from bot import ids
from bot.payloads import DraftButton
from tests.conftest import CHANNEL, CLIVE, CORA, SAM
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import buttons, card_blocks, click, click_for_modal, thread_posts

DUE = (date.today() + timedelta(days=10)).isoformat()
OFFER = {
    ids.B_PR_SUMMARY: "Redo the checkout screens",
    ids.B_PR_DETAILS: "Both screens redone to the approved mock-ups, plus a 10% credit.",
    ids.B_PR_REMEDY: "redo", ids.B_PR_AMOUNT: "250", ids.B_PR_CURRENCY: "EUR",
    "item_text_0": "Redo the screens", "item_owner_0": SAM.id, "item_due_0": DUE,
}


def proposal_to_draft(slack, fake) -> tuple[str, dict[str, Any]]:
    """A dispute (Sam for the studio; Cora and Clive for the client) with P1 on the table from
    the studio, and the way to write an agreement from it (what the card's menu offers, with
    P1's terms filled in): returns (thread ts, a message with that button). Accepting P1 would
    make it the agreement at once (test_happy_path.py); this is the way through approvals."""
    ts = raise_dispute(slack, fake, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake, SAM, card_blocks(fake, CHANNEL, ts), ids.PROPOSE)
    slack.view_submission(SAM, view, OFFER)
    proposal = thread_posts(fake, ts)[-1]
    value = json.loads(buttons(proposal["blocks"])[ids.ACCEPT_PROPOSAL]["value"])
    draft = DraftButton(d=value["d"], p=value["p"]).encode()
    return ts, {"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": ids.DRAFT_AGREEMENT, "value": draft}]}], "proposal": proposal}


def accepted_proposal(slack, fake) -> tuple[str, dict[str, Any]]:
    """A dispute whose proposal P1 (from the studio) the client accepted: the agreement is in
    effect. Returns (thread ts, the message that says so)."""
    ts, drafting = proposal_to_draft(slack, fake)
    click(slack, fake, CORA, drafting["proposal"]["blocks"], ids.ACCEPT_PROPOSAL)
    return ts, fake.messages_in(CHANNEL, ts)[-1]


def post_agreement(slack, fake, user, blocks, action=ids.DRAFT_AGREEMENT, answers=None):
    """Open the agreement modal from a button, submit it, return (modal, agreement message)."""
    view = click_for_modal(slack, fake, user, blocks, action)
    reply = slack.view_submission(user, view, {**(answers or {}), **_keep(view, answers or {})})
    assert reply.status == 200 and reply.body == "", reply
    posts = [c.args for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert posts[-1]["text"].startswith("Agreement v"), posts[-1]["text"]
    return view, posts[-1]


def _keep(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers that keep every pre-filled value of the modal, unless the test overrides it."""
    kept: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input" or block["block_id"] in answers:
            continue
        element = block["element"]
        if "initial_value" in element:
            kept[block["block_id"]] = element["initial_value"]
        elif "initial_user" in element:
            kept[block["block_id"]] = element["initial_user"]
        elif "initial_date" in element:
            kept[block["block_id"]] = element["initial_date"]
        elif "initial_option" in element:
            kept[block["block_id"]] = element["initial_option"]["value"]
        elif "initial_options" in element:
            kept[block["block_id"]] = [o["value"] for o in element["initial_options"]]
    return kept
