"""Every message Parley may owe: the kinds of outbox rows (bot/services/outbox.py writes them,
bot/delivery renders and sends them). A kind no renderer knows stops start-up
(bot/delivery/render.py, check_kinds); a stored row of a kind this release does not know (a newer
release wrote it) is kept and tried again later, never dropped."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    # In a dispute's thread (bot/delivery/thread_kinds.py)
    CARD = "card"
    CARD_UPDATE = "card.update"
    WELCOME = "welcome"
    PROPOSAL = "proposal"
    PROPOSAL_UPDATE = "proposal.update"
    PROPOSAL_SETTLED = "proposal.settled"
    AGREEMENT = "agreement"
    AGREEMENT_UPDATE = "agreement.update"
    AGREEMENT_CHANGES = "agreement.changes"
    PERSPECTIVE = "perspective"
    PERSPECTIVE_SEALED = "perspective.sealed"
    PERSPECTIVE_REVEALED = "perspective.revealed"
    PERSPECTIVES_REVEALED = "perspectives.revealed"
    PARTIES_ADDED = "parties.added"
    MEDIATOR_JOINED = "mediator.joined"
    MEDIATOR_REQUEST = "mediator.request"
    MEDIATOR_REQUEST_UPDATE = "mediator.request.update"
    ITEM_NEW_DATE = "item.new_date"
    DISPUTE_REOPENED = "dispute.reopened"
    DISPUTE_RESOLVED = "dispute.resolved"
    DISPUTE_ENDED = "dispute.ended"
    DISPUTE_CLOSE_REQUESTED = "dispute.close_requested"
    EVIDENCE = "evidence"  # the thread's one list of evidence, posted once …
    EVIDENCE_UPDATE = "evidence.update"  # … and updated in place
    SETTLEMENT = "settlement"  # a private settlement's one message …
    SETTLEMENT_UPDATE = "settlement.update"  # … updated in place
    # The agreement's written record (bot/delivery/record_kinds.py)
    AGREEMENT_IN_EFFECT = "agreement.in_effect"
    AGREEMENT_IN_EFFECT_TEXT = "agreement.in_effect.text"
    AGREEMENT_CERTIFICATE = "agreement.certificate"
    AGREEMENT_FILE = "agreement.file"
    AGREEMENT_TEXT = "agreement.text"
    # After the agreement, and to people (bot/delivery/followup_kinds.py)
    CHECKIN = "checkin"
    CHECKIN_UPDATE = "checkin.update"
    CHECKIN_NOT_YET = "checkin.not_yet"
    CHECKIN_ALL_DONE = "checkin.all_done"
    NUDGE = "nudge"
    INTERNAL_LESSONS = "internal.lessons"
    INTERNAL_MEDIATOR = "internal.mediator"
    INTERNAL_NUDGE = "internal.nudge"
    LESSONS_REQUEST = "lessons.request"
    CHANNEL_WELCOME = "channel.welcome"
    NOTICE_FAILED = "notice.failed"
    NOTICE_SAVED = "notice.saved"
    DISPUTE_ERASED = "dispute.erased"
