"""Versioned, small pydantic models for button values and private_metadata.

Old buttons stay clickable forever: `decode` returns None for anything it does not understand,
and the caller answers politely instead of failing."""

from __future__ import annotations

from typing import ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

MAX_VALUE_CHARS = 2000
MAX_METADATA_CHARS = 3000


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    limit: ClassVar[int] = MAX_VALUE_CHARS

    def encode(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > self.limit:
            raise ValueError(f"{type(self).__name__} encodes to {len(text)} chars (> {self.limit})")
        return text


P = TypeVar("P", bound=Payload)


def decode(model: type[P], raw: str | None) -> P | None:
    if not raw:
        return None
    try:
        return model.model_validate_json(raw)
    except (ValidationError, ValueError):
        return None


class OpenDisputeMeta(Payload):
    """private_metadata of the "Raise a dispute" modal: where the dispute will live."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    channel_id: str


class RaiseButton(Payload):
    """Value of the "Raise a dispute" button in Parley's channel welcome."""

    v: Literal[1] = 1


class DisputeButton(Payload):
    """Value of a button that acts on a dispute (share, propose, add a party)."""

    v: Literal[1] = 1
    d: int


class ProposalButton(Payload):
    """Value of a button that acts on one proposal (accept, counter, decline, withdraw)."""

    v: Literal[1] = 1
    p: int
    d: int


class PerspectiveMeta(Payload):
    """private_metadata of the perspective modal. `tone` is the hash of text the person already
    saw a tone note for: submitting that same text again goes through."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    tone: str | None = None


class ProposalMeta(Payload):
    """private_metadata of the proposal modal."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    counter: int | None = None
    rows: int = 1
    tone: str | None = None


class DeclineMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    p: int


class AddPartyMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int


class DraftButton(Payload):
    """Value of "Draft agreement": the dispute, and the accepted proposal to start from (if any)."""

    v: Literal[1] = 1
    d: int
    p: int | None = None


class AgreementButton(Payload):
    """Value of Approve / Request changes / Edit draft. `h` is the content hash of the text the
    message shows, so an approval is bound to exactly what its approver saw."""

    v: Literal[1] = 1
    d: int
    a: int
    h: str


class AgreementMeta(Payload):
    """private_metadata of the agreement modal."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    p: int | None = None  # the proposal it started from
    rows: int = 1


class ChangesMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    a: int


class CheckInAnswer(Payload):
    """Value of Yes, done / Partly / Not yet on a check-in: which check-in and which item."""

    v: Literal[1] = 1
    d: int
    c: int
    i: int


class ItemButton(Payload):
    """Value of the buttons offered after a "Not yet": the dispute and the action item."""

    v: Literal[1] = 1
    d: int
    i: int


class ItemMeta(Payload):
    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    d: int
    i: int


class SettingsMeta(Payload):
    """private_metadata of the settings modal: where /dispute settings was run."""

    limit: ClassVar[int] = MAX_METADATA_CHARS
    v: Literal[1] = 1
    channel: str
