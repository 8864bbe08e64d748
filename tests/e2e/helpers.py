"""Shared steps for end-to-end tests."""

from __future__ import annotations

from typing import Any

from bot import ids
from tests.fakeslack import FakeSlack
from tests.support.slack_requests import SlackSender, User

GOOD_ANSWERS: dict[str, Any] = {
    ids.B_TITLE: "Homepage delivered two weeks late",
    ids.B_CATEGORY: "delivery",
    ids.B_HAPPENED: "The homepage was due on 3 March and arrived on 17 March.",
    ids.B_OUTCOME: "A 10% credit on the next invoice.",
    ids.B_AMOUNT: "1,250.50",
    ids.B_CURRENCY: "EUR",
}


def open_modal(slack: SlackSender, fake: FakeSlack, user: User, text: str = "") -> dict[str, Any]:
    """Run /dispute and return the modal it opened."""
    before = len(fake.calls_to("views.open"))
    reply = slack.command(user, text)
    assert reply.status == 200, reply
    return fake.wait_for("views.open", before + 1)[-1].args["view"]


def raise_dispute(slack: SlackSender, fake: FakeSlack, opener: User, others: list[User],
                  **answers: Any) -> dict[str, Any]:
    """Open the modal, submit it, and wait for the card and the welcome reply."""
    view = open_modal(slack, fake, opener)
    posts_before = len(fake.calls_to("chat.postMessage"))
    reply = slack.view_submission(
        opener, view, {**GOOD_ANSWERS, ids.B_PARTIES: [u.id for u in others], **answers}
    )
    assert reply.status == 200 and reply.body == "", reply
    card, welcome = fake.wait_for("chat.postMessage", posts_before + 2)[posts_before:posts_before + 2]
    return {"card": card.args, "welcome": welcome.args}
