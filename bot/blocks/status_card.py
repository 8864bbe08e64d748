"""The dispute's status card: the root message of its thread, updated in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.labels import SIDE_LABELS, category_label, status_label
from bot.blocks.text import (
    HEADER_TEXT_LIMIT,
    Mrkdwn,
    button,
    context,
    fields,
    md,
    mention,
    mentions,
    plain,
    quote_sections,
    quoted,
    section,
    slack_date,
)
from bot.payloads import DisputeButton, DraftButton
from bot.services.people_text import one_line
from bot.services.vocabulary import format_amount
from models import Dispute, DisputeStatus, Side


def card_text(dispute: Dispute) -> Mrkdwn:
    """Notification and accessibility fallback for the card."""
    return md("{ref}: {title} ({status})", ref=dispute.reference, title=dispute.title,
              status=status_label(dispute.status))


def _parties_text(dispute: Dispute) -> Mrkdwn:
    lines = []
    for side in (Side.PROVIDER, Side.CLIENT):
        users = [p.user_id for p in dispute.parties if p.side == side]
        if users:
            lines.append(md("{side}: {who}", side=SIDE_LABELS[side], who=mentions(users)))
    for mediator in (p for p in dispute.parties if p.side == Side.MEDIATOR):
        accepted = [SIDE_LABELS[s].lower() for s in (Side.PROVIDER, Side.CLIENT)
                    if s in mediator.accepted_sides]
        so_far = ("" if len(accepted) == 2 else md(" (accepted by the {side} so far)",
                                                   side=accepted[0]) if accepted else
                  Mrkdwn(" (not accepted by either side yet)"))
        lines.append(md("{label}: {who}{so_far}", label=SIDE_LABELS[Side.MEDIATOR],
                        who=mention(mediator.user_id), so_far=so_far))
    return Mrkdwn("\n").join(lines) or Mrkdwn("No parties yet")


def _perspectives_text(dispute: Dispute, shared_sides: set[str]) -> Mrkdwn:
    sides = [s for s in (Side.PROVIDER, Side.CLIENT) if any(p.side == s for p in dispute.parties)]
    marks = [md("{side}: {mark}", side=SIDE_LABELS[s], mark=":white_check_mark: shared"
                if s in shared_sides else ":hourglass_flowing_sand: not yet") for s in sides]
    return md("*Perspectives*\n{marks}", marks=Mrkdwn(" · ").join(marks))


ENDINGS = {"resolved": "Resolved: the client side confirmed it", "closed": "Closed",
           "withdrawn": "Withdrawn by the person who opened it"}


def _actions(dispute: Dispute) -> list[dict[str, Any]]:
    value = DisputeButton(d=dispute.id).encode()
    if dispute.status in (DisputeStatus.CLOSED, DisputeStatus.RESOLVED):
        if not dispute.ended_how:
            return []
        reason = md(":\n{why}", why=quoted(dispute.ended_reason, 500)) if dispute.ended_reason else ""
        return [section(md("*How it ended*\n{how}{reason}", how=ENDINGS[dispute.ended_how],
                           reason=reason))]
    pending: list[dict[str, Any]] = []
    if dispute.close_requested_side in (Side.PROVIDER, Side.CLIENT):
        asked = SIDE_LABELS[dispute.close_requested_side]
        other = SIDE_LABELS[Side.CLIENT if dispute.close_requested_side == Side.PROVIDER
                            else Side.PROVIDER].lower()
        pending = [context(md("The {asked} proposed closing {ref}; it closes if the {other} "
                              "agrees with *Close or withdraw*. Anything new in the dispute "
                              "(a proposal, an agreement) sets the proposal aside.", asked=asked.lower(),
                              ref=dispute.reference, other=other))]
    closing = {"type": "actions", "block_id": "dispute_closing", "elements": [
        button("Request a mediator", ids.ASK_MEDIATOR, value),
        button("Close or withdraw", ids.CLOSE_DISPUTE, value)]}
    if dispute.status not in (DisputeStatus.OPEN, DisputeStatus.DISCUSSING):
        return [*pending, closing]
    return [*pending, {"type": "actions", "block_id": "dispute_actions", "elements": [
        button("Share your perspective", ids.SHARE_PERSPECTIVE, value, style="primary"),
        button("Propose a solution", ids.PROPOSE, value),
        button("Draft agreement", ids.DRAFT_AGREEMENT, DraftButton(d=dispute.id).encode()),
        button("Add a party", ids.ADD_PARTY, value),
    ]}, closing]


def status_card(dispute: Dispute, shared_sides: set[str] | frozenset[str] = frozenset(),
                next_checkin: datetime | None = None) -> list[dict[str, Any]]:
    facts = [
        md("*Reference*\n{ref}", ref=dispute.reference),
        md("*Status*\n{status}", status=status_label(dispute.status, dispute.escalated)),
        md("*Category*\n{category}", category=category_label(dispute.category)),
        md("*Opened by*\n{who} on {when}", who=mention(dispute.opened_by_user),
           when=slack_date(dispute.created_at)),
    ]
    amount = format_amount(dispute.amount, dispute.currency)
    if amount:
        facts.append(md("*Amount in question*\n{amount}", amount=amount))
    if next_checkin is not None:
        facts.append(md("*Next check-in*\n{when}",
                        when=slack_date(next_checkin, "{date_short_pretty} at {time}")))
    return [
        {"type": "header", "text": plain(f"⚖️ {one_line(dispute.title)}", HEADER_TEXT_LIMIT)},
        fields(*facts),
        section(md("*Parties*\n{parties}", parties=_parties_text(dispute))),
        section(_perspectives_text(dispute, set(shared_sides))),
        *quote_sections(md("*What happened*, as {who} put it", who=mention(dispute.opened_by_user)),
                        dispute.description),
        *quote_sections(Mrkdwn("*Outcome wanted*"), dispute.desired_outcome),
        *_actions(dispute),
        context(md("Everything about {ref} happens in this thread. Parley keeps a record of "
                   "every step.", ref=dispute.reference)),
    ]
