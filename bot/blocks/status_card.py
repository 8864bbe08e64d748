"""The dispute's status card: the root message of its thread, updated in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.labels import SIDE_LABELS, category_label, status_label
from bot.blocks.text import (
    FIELD_TEXT_LIMIT,
    HEADER_TEXT_LIMIT,
    button,
    context,
    escape,
    mention,
    mentions,
    mrkdwn,
    plain,
    section,
    slack_date,
    truncate,
)
from bot.payloads import DisputeButton, DraftButton
from bot.services.vocabulary import format_amount
from models import Dispute, DisputeStatus, Side


def card_text(dispute: Dispute) -> str:
    """Notification and accessibility fallback for the card."""
    return f"{dispute.reference}: {dispute.title} ({status_label(dispute.status)})"


def _parties_text(dispute: Dispute) -> str:
    lines = []
    for side in (Side.PROVIDER, Side.CLIENT, Side.MEDIATOR):
        users = [p.user_id for p in dispute.parties if p.side == side]
        if users:
            lines.append(f"{SIDE_LABELS[side]}: {mentions(users)}")
    return "\n".join(lines) or "No parties yet"


def _perspectives_text(dispute: Dispute, shared_sides: set[str]) -> str:
    sides = [s for s in (Side.PROVIDER, Side.CLIENT) if any(p.side == s for p in dispute.parties)]
    marks = [f"{SIDE_LABELS[s]}: {':white_check_mark: shared' if s in shared_sides else ':hourglass_flowing_sand: not yet'}"
             for s in sides]
    return "*Perspectives*\n" + " · ".join(marks)


ENDINGS = {"resolved": "Resolved: the client side confirmed it", "closed": "Closed",
           "withdrawn": "Withdrawn by the person who opened it"}


def _actions(dispute: Dispute) -> list[dict[str, Any]]:
    value = DisputeButton(d=dispute.id).encode()
    if dispute.status in (DisputeStatus.CLOSED, DisputeStatus.RESOLVED):
        if not dispute.ended_how:
            return []
        reason = f": {escape(truncate(dispute.ended_reason, 500))}" if dispute.ended_reason else ""
        return [section(f"*How it ended*\n{ENDINGS[dispute.ended_how]}{reason}")]
    closing = {"type": "actions", "block_id": "dispute_closing", "elements": [
        button("Request a mediator", ids.ASK_MEDIATOR, value),
        button("Close or withdraw", ids.CLOSE_DISPUTE, value)]}
    if dispute.status not in (DisputeStatus.OPEN, DisputeStatus.DISCUSSING):
        return [closing]
    return [{"type": "actions", "block_id": "dispute_actions", "elements": [
        button("Share your perspective", ids.SHARE_PERSPECTIVE, value, style="primary"),
        button("Propose a solution", ids.PROPOSE, value),
        button("Draft agreement", ids.DRAFT_AGREEMENT, DraftButton(d=dispute.id).encode()),
        button("Add a party", ids.ADD_PARTY, value),
    ]}, closing]


def status_card(dispute: Dispute, shared_sides: set[str] | frozenset[str] = frozenset(),
                next_checkin: datetime | None = None) -> list[dict[str, Any]]:
    fields = [
        f"*Reference*\n{dispute.reference}",
        f"*Status*\n{status_label(dispute.status, dispute.escalated)}",
        f"*Category*\n{category_label(dispute.category)}",
        f"*Opened by*\n{mention(dispute.opened_by_user)} on {slack_date(dispute.created_at)}",
    ]
    amount = format_amount(dispute.amount, dispute.currency)
    if amount:
        fields.append(f"*Amount in question*\n{amount}")
    if next_checkin is not None:
        fields.append(f"*Next check-in*\n{slack_date(next_checkin, '{date_short_pretty} at {time}')}")
    return [
        {"type": "header", "text": plain(f"⚖️ {dispute.title}", HEADER_TEXT_LIMIT)},
        {"type": "section", "fields": [mrkdwn(f, FIELD_TEXT_LIMIT) for f in fields]},
        section(f"*Parties*\n{_parties_text(dispute)}"),
        section(_perspectives_text(dispute, set(shared_sides))),
        section(f"*What happened*\n{escape(truncate(dispute.description, 2800))}"),
        section(f"*Outcome wanted*\n{escape(truncate(dispute.desired_outcome, 2800))}"),
        *_actions(dispute),
        context(
            f"Everything about {dispute.reference} happens in this thread. "
            "Parley keeps a record of every step."
        ),
    ]
