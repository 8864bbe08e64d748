"""Versioned, small pydantic models for button values and private_metadata.

Old buttons stay clickable forever: `decode` returns None for anything it does not understand,
and the caller answers politely instead of failing."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_VALUE_CHARS = 2000
MAX_METADATA_CHARS = 3000
MAX_ITEMS = 5
"""Action-item rows a proposal or agreement modal can show. A mirror of
bot.services.proposals.MAX_ITEMS (importing the services here would pull the database models into
every Block Kit builder); tests/unit/test_payloads_and_envelope.py checks that the two agree."""

MAX_OFFERED = 20  # organizations a settings modal offers the provider role to
MAX_DB_ID = 2**31 - 1  # PostgreSQL `integer`
CONVERSATION_ID = r"^[CGD][A-Z0-9]{1,30}$"  # a Slack channel, private channel or DM id

# Everything read back from Slack is bounded, so that a value that does not fit (an id beyond
# PostgreSQL's integer, a row count in the millions) is simply unreadable: a "stale button".
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Rows = Annotated[int, Field(ge=1, le=MAX_ITEMS)]
ContentHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
ToneKey = Annotated[str, StringConstraints(max_length=64)]
ConversationId = Annotated[str, StringConstraints(pattern=CONVERSATION_ID)]
TeamId = Annotated[str, StringConstraints(pattern=r"^[TE][A-Z0-9]{1,30}$")]


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    limit: ClassVar[int] = MAX_VALUE_CHARS

    def encode(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > self.limit:
            raise ValueError(f"{type(self).__name__} encodes to {len(text)} chars (> {self.limit})")
        return text


P = TypeVar("P", bound=Payload)


def decode(model: type[P], raw: object) -> P | None:
    """The payload, or None for anything else; never raises (pydantic's ValidationError is a
    ValueError)."""
    if not raw or not isinstance(raw, str | bytes):
        return None
    try:
        return model.model_validate_json(raw)
    except (ValueError, TypeError, RecursionError):
        return None


class OpenDisputeMeta(Payload):
    """private_metadata of the "Raise a dispute" modal: where the dispute will live."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    channel_id: ConversationId


class RaiseButton(Payload):
    """Value of the "Raise a dispute" button in Parley's channel welcome."""

    v: Literal[1] = 1


class DisputeButton(Payload):
    """Value of a button that acts on a dispute (share, propose, add a party)."""

    v: Literal[1] = 1
    d: DbId


class ProposalButton(Payload):
    """Value of a button that acts on one proposal (accept, counter, decline, withdraw). `b` is
    set on Accept buttons whose confirm dialog said that accepting makes the agreement; an Accept
    button without it (posted before that) records the acceptance only, as it said it would."""

    v: Literal[1] = 1
    p: DbId
    d: DbId
    b: Literal[1] | None = None


class PerspectiveMeta(Payload):
    """private_metadata of the perspective modal. `tone` is the hash of text the person already
    saw a tone note for: submitting that same text again goes through."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    tone: ToneKey | None = None


class ProposalMeta(Payload):
    """private_metadata of the proposal modal."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    counter: DbId | None = None
    rows: Rows = 1
    tone: ToneKey | None = None


class DeclineMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    p: DbId


class AddPartyMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId


class DraftButton(Payload):
    """Value of "Draft agreement": the dispute, and the accepted proposal to start from (if any)."""

    v: Literal[1] = 1
    d: DbId
    p: DbId | None = None


class AgreementButton(Payload):
    """Value of Approve / Request changes / Edit draft. `h` is the content hash of the text the
    message shows, so an approval is bound to exactly what its approver saw."""

    v: Literal[1] = 1
    d: DbId
    a: DbId
    h: ContentHash


class AgreementMeta(Payload):
    """private_metadata of the agreement modal."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    p: DbId | None = None  # the proposal it started from
    rows: Rows = 1


class ChangesMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    a: DbId


class CheckInAnswer(Payload):
    """Value of Yes, done / Partly / Not yet on a check-in: which check-in and which item."""

    v: Literal[1] = 1
    d: DbId
    c: DbId
    i: DbId


class ItemButton(Payload):
    """Value of the buttons offered after a "Not yet": the dispute and the action item."""

    v: Literal[1] = 1
    d: DbId
    i: DbId


class MediatorButton(Payload):
    """Value of Accept / Decline on a request for a mediator."""

    v: Literal[1] = 1
    d: DbId
    r: DbId


class CardOption(Payload):
    """Value of an option in the card's overflow menu: the dispute and what to do."""

    v: Literal[1] = 1
    d: DbId
    o: Literal["share", "propose", "draft", "party", "mediator", "close", "settle"]


class CheckButton(Payload):
    """Value of "How to check this record": the agreement, and the audit trail's head when it
    took effect (what its "in effect" message witnesses)."""

    v: Literal[1] = 1
    d: DbId
    a: DbId
    t: ContentHash | None = None


class ItemMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    i: DbId


class SettingsMeta(Payload):
    """private_metadata of the settings modal: where /dispute settings was run, and the
    organizations it offered to hand the provider role to."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    channel: ConversationId
    offer: tuple[TeamId, ...] = Field(default=(), max_length=MAX_OFFERED)


class CalendarMeta(Payload):
    """private_metadata of the calendar modal: the organization whose calendar it sets."""

    v: Literal[1] = 1
    team: TeamId


class EraseMeta(Payload):
    """private_metadata of the "delete this workspace's data" confirmation: the workspace it
    named (a submission carried for another one is out of date)."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    team: TeamId


class EvidenceMeta(Payload):
    """private_metadata of the "Add evidence" modal: the dispute."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId


class MessageEvidenceMeta(Payload):
    """private_metadata of the "Add to a dispute" modal (a message shortcut): the message."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    c: ConversationId
    ts: Annotated[str, StringConstraints(pattern=r"^[0-9]{10}\.[0-9]{6}$")]
    t: Annotated[str, StringConstraints(pattern=r"^[0-9]{10}\.[0-9]{6}$")] | None = None  # its thread


class SettleAskMeta(Payload):
    """private_metadata of the "Settle the amount privately" form: the dispute."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId


class SettlementButton(Payload):
    """Value of a button on a private settlement's message (join, decline, enter a limit,
    withdraw), and private_metadata of the limit form: the dispute, the settlement, the round
    the button was shown for (0 before it is joined)."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: DbId
    s: DbId
    r: Annotated[int, Field(ge=0, le=10)] = 0
