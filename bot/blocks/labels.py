"""Human words for stored values."""

from __future__ import annotations

from bot.services.vocabulary import CATEGORIES
from models import DisputeStatus, Side

STATUS_LABELS: dict[str, str] = {
    DisputeStatus.OPEN: ":large_yellow_circle: Open: each side tells its side",
    DisputeStatus.DISCUSSING: ":speech_balloon: Talking it through",
    DisputeStatus.AGREEMENT_PENDING: ":memo: An agreement is waiting for approval",
    DisputeStatus.AGREED: ":handshake: Agreed: the agreement is in effect",
    DisputeStatus.RESOLVED: ":white_check_mark: Resolved",
    DisputeStatus.CLOSED: ":lock: Closed",
}

# After a party's "Name (Organization)" in a record: the organization says which side they are on
PARTY_ROLE: dict[str, str] = {Side.MEDIATOR: ", mediator"}


def status_label(status: str, escalated: bool = False) -> str:
    label = STATUS_LABELS.get(status, status)
    return label + (" · :rotating_light: escalated" if escalated else "")


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category.title())


# What each audit event records, as a record's timeline says it.
EVENT_WORDS: dict[str, str] = {
    "settlement.asked": "Asked to settle the amount privately",
    "settlement.joined": "Joined settling the amount privately",
    "settlement.offer_sealed": "A side's limit sealed",
    "settlement.still_apart": "Still apart",
    "settlement.settled": "Amount settled privately",
    "settlement.ended": "Private settlement ended",
    "evidence.added": "Evidence added",
    "dispute.opened": "Dispute opened",
    "dispute.thread_started": "Thread started",
    "party.added": "Party added",
    "perspective.shared": "Perspective shared",
    "perspectives.revealed": "Perspectives revealed",
    "proposal.made": "Proposal made",
    "proposal.accepted": "Proposal accepted",
    "proposal.declined": "Proposal declined",
    "proposal.withdrawn": "Proposal withdrawn",
    "proposal.superseded": "Proposal replaced",
    "agreement.drafted": "Agreement drafted",
    "agreement.changes_requested": "Changes requested",
    "agreement.approved": "Agreement approved",
    "agreement.ratified": "Agreement in effect",
    "agreement.superseded": "Agreement replaced",
    "checkin.answered": "Check-in answered",
    "checkins.cancelled": "Check-ins cancelled",
    "item.rescheduled": "Action item rescheduled",
    "dispute.nudged": "Reminder sent",
    "dispute.escalated": "Mediator asked for",
    "mediator.proposed": "Mediator proposed, for the other side to accept",
    "mediator.accepted": "Mediator accepted by the other side",
    "mediator.declined": "Mediator declined by the other side",
    "dispute.status_changed": "Status changed",
    "dispute.close_requested": "Closing proposed",
    "dispute.resolved": "Dispute resolved",
    "dispute.closed": "Dispute closed",
    "dispute.withdrawn": "Dispute withdrawn",
    "dispute.reopened": "Dispute reopened",
    "delivery.failed": "A message could not be delivered",
    "channel.provider_handed_over": "Channel handed over",
    "feedback.given": "Feedback given (internal)",
    "lessons.recorded": "Lessons learned recorded (internal)",
}

CHECKIN_WORDS: dict[str, str] = {"item_due": "Action item due", "after_days": "Scheduled check-in"}


def event_words(kind: str) -> str:
    return EVENT_WORDS.get(kind) or kind.replace(".", ": ").replace("_", " ").capitalize()


# How an approval was given, when it was not with the Approve button (bot/records/agreement.py)
HOW_APPROVED = {"proposed": ", by proposing it", "accepted": ", by accepting it"}
