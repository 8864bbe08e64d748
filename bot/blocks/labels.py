"""Human words for stored values.

The tables hold English, marked for the catalog (`N_`): the functions below translate them where
they are shown, in the language in use. (The tables keep their English for the records' documents
that still read them directly.)"""

from __future__ import annotations

from bot.i18n import N_, _
from bot.services.vocabulary import CATEGORIES
from models import DisputeStatus, Side

STATUS_LABELS: dict[str, str] = {
    DisputeStatus.OPEN: N_(":large_yellow_circle: Open: each side tells its side"),
    DisputeStatus.DISCUSSING: N_(":speech_balloon: Talking it through"),
    DisputeStatus.AGREEMENT_PENDING: N_(":memo: An agreement is waiting for approval"),
    DisputeStatus.AGREED: N_(":handshake: Agreed: the agreement is in effect"),
    DisputeStatus.RESOLVED: N_(":white_check_mark: Resolved"),
    DisputeStatus.CLOSED: N_(":lock: Closed"),
}

# After a party's "Name (Organization)" in a record: the organization says which side they are on
# Translators: follows a person's "Name (Organization)" in a list of the dispute's parties.
PARTY_ROLE: dict[str, str] = {Side.MEDIATOR: N_(", mediator")}


def status_label(status: str, escalated: bool = False) -> str:
    label = _(STATUS_LABELS[status]) if status in STATUS_LABELS else status
    if escalated:
        # Translators: {status} is a dispute's status, such as ":speech_balloon: Talking it through".
        return _("{status} · :rotating_light: escalated").format(status=label)
    return label


def category_label(category: str) -> str:
    """The category's name (bot/services/vocabulary.py's CATEGORIES), in the language in use."""
    return _(CATEGORIES[category]) if category in CATEGORIES else category.title()


def party_role(side: str) -> str:
    """What follows a party's "Name (Organization)": ", mediator", or nothing."""
    role = PARTY_ROLE.get(side)
    return _(role) if role else ""


# What each audit event records, as a record's timeline says it.
EVENT_WORDS: dict[str, str] = {
    "settlement.asked": N_("Asked to settle the amount privately"),
    "settlement.joined": N_("Joined settling the amount privately"),
    "settlement.offer_sealed": N_("A side's limit sealed"),
    "settlement.still_apart": N_("Still apart"),
    "settlement.settled": N_("Amount settled privately"),
    "settlement.ended": N_("Private settlement ended"),
    "evidence.added": N_("Evidence added"),
    "dispute.opened": N_("Dispute opened"),
    "dispute.thread_started": N_("Thread started"),
    "party.added": N_("Party added"),
    "perspective.shared": N_("Perspective shared"),
    "perspectives.revealed": N_("Perspectives revealed"),
    "proposal.made": N_("Proposal made"),
    "proposal.accepted": N_("Proposal accepted"),
    "proposal.declined": N_("Proposal declined"),
    "proposal.withdrawn": N_("Proposal withdrawn"),
    "proposal.superseded": N_("Proposal replaced"),
    "agreement.drafted": N_("Agreement drafted"),
    "agreement.changes_requested": N_("Changes requested"),
    "agreement.approved": N_("Agreement approved"),
    "agreement.ratified": N_("Agreement in effect"),
    "agreement.superseded": N_("Agreement replaced"),
    "checkin.answered": N_("Check-in answered"),
    "checkins.cancelled": N_("Check-ins cancelled"),
    "item.rescheduled": N_("Action item rescheduled"),
    "dispute.nudged": N_("Reminder sent"),
    "dispute.escalated": N_("Mediator asked for"),
    "mediator.proposed": N_("Mediator proposed, for the other side to accept"),
    "mediator.accepted": N_("Mediator accepted by the other side"),
    "mediator.declined": N_("Mediator declined by the other side"),
    "dispute.status_changed": N_("Status changed"),
    "dispute.close_requested": N_("Closing proposed"),
    "dispute.resolved": N_("Dispute resolved"),
    "dispute.closed": N_("Dispute closed"),
    "dispute.withdrawn": N_("Dispute withdrawn"),
    "dispute.reopened": N_("Dispute reopened"),
    "delivery.failed": N_("A message could not be delivered"),
    "channel.provider_handed_over": N_("Channel handed over"),
    "feedback.given": N_("Feedback given (internal)"),
    "lessons.recorded": N_("Lessons learned recorded (internal)"),
}

CHECKIN_WORDS: dict[str, str] = {
    "item_due": N_("Action item due"),
    "after_days": N_("Scheduled check-in"),
}


def event_words(kind: str) -> str:
    """What an audit event of `kind` records, in the language in use (an unknown kind in the
    words of its name)."""
    known = EVENT_WORDS.get(kind)
    return _(known) if known else kind.replace(".", ": ").replace("_", " ").capitalize()


def checkin_words(kind: str) -> str:
    known = CHECKIN_WORDS.get(kind)
    return _(known) if known else kind


# How an approval was given, when it was not with the Approve button (bot/records/agreement.py)
HOW_APPROVED = {
    # Translators: follows "Name (Organization)" of a person who approved an agreement.
    "proposed": N_(", by proposing it"),
    # Translators: follows "Name (Organization)" of a person who approved an agreement.
    "accepted": N_(", by accepting it"),
}


def how_approved(how: str | None) -> str:
    """What follows the approver's name: ", by proposing it", ", by accepting it", or nothing."""
    known = HOW_APPROVED.get(how or "")
    return _(known) if known else ""
