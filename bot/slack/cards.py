"""Posting a dispute's thread (status card + welcome) and keeping the card current."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.messages import thread_welcome
from bot.blocks.status_card import card_text, status_card
from bot.services.followups import next_checkin
from bot.services.perspectives import shared_sides_of
from models import Dispute

log = logging.getLogger("parley.cards")


def post_card(client: WebClient, dispute: Dispute) -> tuple[str, str | None]:
    """Post the status card as a new thread root; returns (ts, permalink or None)."""
    posted = client.chat_postMessage(
        channel=dispute.channel_id, text=card_text(dispute), blocks=status_card(dispute),
        unfurl_links=False,
    )
    ts = posted["ts"]
    try:
        permalink = client.chat_getPermalink(channel=dispute.channel_id, message_ts=ts)["permalink"]
    except SlackApiError as error:
        log.warning("no permalink for %s: %s", dispute.reference, error.response.get("error"))
        permalink = None
    return ts, permalink


def post_welcome(client: WebClient, dispute: Dispute, sealed: bool) -> None:
    """First reply in the thread. A failure here is logged; the dispute itself stands."""
    text, blocks = thread_welcome(dispute, sealed)
    try:
        client.chat_postMessage(
            channel=dispute.channel_id, thread_ts=dispute.thread_ts, text=text, blocks=blocks
        )
    except SlackApiError as error:
        log.warning("welcome for %s not posted: %s", dispute.reference, error.response.get("error"))


@dataclass(frozen=True)
class CardFacts:
    """What the status card shows beyond the dispute row itself."""

    shared_sides: set[str]
    next_checkin: datetime | None


def card_facts(session: Session, dispute: Dispute) -> CardFacts:
    return CardFacts(shared_sides_of(session, dispute.id), next_checkin(session, dispute.id))


def refresh_card(client: WebClient, dispute: Dispute, facts: CardFacts) -> None:
    """Update the status card in place. A failure is logged: the card catches up next time."""
    if not dispute.thread_ts:
        return
    try:
        client.chat_update(
            channel=dispute.channel_id, ts=dispute.thread_ts, text=card_text(dispute),
            blocks=status_card(dispute, facts.shared_sides, facts.next_checkin),
        )
    except SlackApiError as error:
        log.warning("card of %s not updated: %s", dispute.reference, error.response.get("error"))


def post_in_thread(client: WebClient, dispute: Dispute, text: str,
                   blocks: list[dict[str, Any]] | None = None) -> str:
    """Post a reply in the dispute thread; returns its ts. Errors propagate to the caller."""
    kwargs: dict[str, Any] = {"channel": dispute.channel_id, "thread_ts": dispute.thread_ts,
                              "text": text}
    if blocks is not None:
        kwargs["blocks"] = blocks
    return client.chat_postMessage(**kwargs)["ts"]


def update_message(client: WebClient, dispute: Dispute, ts: str | None,
                   rendered: tuple[str, list[dict[str, Any]]], what: str) -> None:
    """Update a message of the thread in place (a proposal, an agreement). A failure is logged:
    the database holds the truth and the next update catches up."""
    if not ts:
        return
    try:
        client.chat_update(channel=dispute.channel_id, ts=ts, text=rendered[0], blocks=rendered[1])
    except SlackApiError as error:
        log.warning("%s message not updated: %s", what, error.response.get("error"))
