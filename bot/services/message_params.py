"""The parameters of each message kind, checked when a row is written (bot/services/outbox.py):
a missing, misspelt or mistyped parameter is a bug, raised in the transaction that made it,
never a message that fails to render later. Stored rows are read as written (a row from an older
or newer release may differ): renderers read `params` as a dict, with defaults for what old rows
lack. People are `[team_id, user_id]` pairs (outbox.by_person)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from bot.services.message_kinds import MessageKind

REASON_MAX = 500
SlackId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Pair = tuple[SlackId, SlackId]  # a person: [team_id, user_id]
Hash = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Text = Annotated[str, StringConstraints(max_length=4000)]  # a person's words, bounded by the form
# What Slack (or the network) answered, kept on the row for operators: as long as an exception's
# text may be (a connection error names its host), cut where it is written.
Reason = Annotated[str, StringConstraints(max_length=REASON_MAX)]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


class ByPerson(Params):
    by: Pair  # who did it: named in the message


class OfProposal(Params):
    proposal: int


class ProposalSettled(ByPerson):
    proposal: int
    verb: Literal["accepted", "declined", "withdrawn"]


class OfAgreement(Params):
    agreement: int


class AgreementChanges(ByPerson):
    agreement: int
    what: Text


class OfSettlement(Params):
    settlement: int


class OfPerspective(Params):
    perspective: int


class PerspectiveSealed(ByPerson):  # written by earlier releases only
    waiting: list[SlackId] = []


class PerspectivesRevealed(Params):
    perspectives: list[int]
    part: int = 0  # a reveal too long for one message goes in parts
    parts: int = 1


class PartiesAdded(ByPerson):
    added: list[SlackId]


class MediatorJoined(ByPerson):  # written by earlier releases only
    mediator: SlackId
    reason: Text


class OfRequest(Params):
    request: int  # a MediatorRequest


class ItemNewDate(ByPerson):
    item: int
    when: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]  # an ISO date


class DisputeResolved(ByPerson):
    trail: Hash | None = None  # the audit trail's head, kept in the message's metadata


class DisputeEnded(ByPerson):
    how: Literal["withdrawn", "closed"]


class CloseRequested(ByPerson):
    reason: Text


class InEffect(Params):
    agreement: int
    trail: Hash | None = None
    tell: Pair | None = None  # who is told if Slack refuses the record in the thread
    plain: bool = False  # without the "How to check this record" button (Slack refused it)


class InEffectText(Params):
    agreement: int
    trail: Hash | None = None
    reason: Reason | None = None  # what Slack said of the file (kept on the row, for operators)


class Certificate(Params):
    agreement: int
    trail: Hash | None = None
    dm: bool = False  # to an approver in a direct message (earlier releases: in the thread)


class AgreementText(Params):
    agreement: int
    reason: Reason | None = None  # what Slack said of the file (kept on the row, for operators)


class CheckIn(Params):
    checkins: list[int]


class CheckInUpdate(ByPerson):
    checkin: int
    item: int
    value: Literal["done", "partly", "not_yet"]


class OfItem(ByPerson):
    item: int


class Nudge(Params):
    nudge: Literal["perspectives", "answer", "approve", "agreement"]
    waiting: list[SlackId] = []  # the people reminded (user ids)


class InternalNudge(Params):
    nudge: Literal["perspectives", "answer", "approve", "agreement"]


class OfLesson(Params):
    lesson: int


class InternalMediator(Params):
    mediator: SlackId
    note: Text = ""
    send_as: SlackId | None = None  # the asking side's own workspace sends it (bot/delivery/render.py)


class ChannelWelcome(Params):
    provider: SlackId | None = None  # the channel's provider organization
    handover: bool = False  # it may hand the channel's rules to the other organization


class NoticeFailed(Params):
    failed: int  # the outbox row Slack refused


class DisputeErased(Params):
    thread_ts: SlackId
    reference: Annotated[str, StringConstraints(min_length=1, max_length=32)]


K = MessageKind
PARAMS: dict[MessageKind, type[Params]] = {
    K.CARD: NoParams,
    K.CARD_UPDATE: NoParams,
    K.EVIDENCE: NoParams,
    K.EVIDENCE_UPDATE: NoParams,
    K.SETTLEMENT: OfSettlement,
    K.SETTLEMENT_UPDATE: OfSettlement,
    K.WELCOME: NoParams,
    K.PROPOSAL: OfProposal,
    K.PROPOSAL_UPDATE: OfProposal,
    K.PROPOSAL_SETTLED: ProposalSettled,
    K.AGREEMENT: OfAgreement,
    K.AGREEMENT_UPDATE: OfAgreement,
    K.AGREEMENT_CHANGES: AgreementChanges,
    K.PERSPECTIVE: OfPerspective,
    K.PERSPECTIVE_SEALED: PerspectiveSealed,
    K.PERSPECTIVE_REVEALED: NoParams,
    K.PERSPECTIVES_REVEALED: PerspectivesRevealed,
    K.PARTIES_ADDED: PartiesAdded,
    K.MEDIATOR_JOINED: MediatorJoined,
    K.MEDIATOR_REQUEST: OfRequest,
    K.MEDIATOR_REQUEST_UPDATE: OfRequest,
    K.ITEM_NEW_DATE: ItemNewDate,
    K.DISPUTE_REOPENED: ByPerson,
    K.DISPUTE_RESOLVED: DisputeResolved,
    K.DISPUTE_ENDED: DisputeEnded,
    K.DISPUTE_CLOSE_REQUESTED: CloseRequested,
    K.AGREEMENT_IN_EFFECT: InEffect,
    K.AGREEMENT_IN_EFFECT_TEXT: InEffectText,
    K.AGREEMENT_CERTIFICATE: Certificate,
    K.AGREEMENT_FILE: OfAgreement,
    K.AGREEMENT_TEXT: AgreementText,
    K.CHECKIN: CheckIn,
    K.CHECKIN_UPDATE: CheckInUpdate,
    K.CHECKIN_NOT_YET: OfItem,
    K.CHECKIN_ALL_DONE: NoParams,
    K.NUDGE: Nudge,
    K.INTERNAL_LESSONS: OfLesson,
    K.INTERNAL_MEDIATOR: InternalMediator,
    K.INTERNAL_NUDGE: InternalNudge,
    K.LESSONS_REQUEST: NoParams,
    K.CHANNEL_WELCOME: ChannelWelcome,
    K.NOTICE_FAILED: NoticeFailed,
    K.NOTICE_SAVED: NoParams,
    K.DISPUTE_ERASED: DisputeErased,
}


def checked(kind: MessageKind, params: dict[str, object]) -> dict[str, object]:
    """`params` as they are stored, once the kind's model has checked them (pydantic's
    ValidationError otherwise); only what was given is stored, so a default stays a default."""
    return PARAMS[kind].model_validate(params).model_dump(mode="json", exclude_unset=True)
