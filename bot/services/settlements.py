"""Settling the amount privately (sealed offers): each side's approver states, privately, a limit
(the paying side the most it would pay, the receiving side the least it would accept). When the
two overlap, the amount is settled at the midpoint, rounded to the currency's minor unit (or the
policy's step); when they do not, both are told only that they are still apart (and, if the
policy allows, roughly how far), and may move toward each other in the next round. Until it
settles, neither side learns anything of the other's limit but whether the two overlap; the
settled amount is (about) halfway between them, as both were told when they joined.

Nothing here knows of Slack. Every write checks who acts: only the two sides' parties ask, join,
decline or withdraw; only a side's approver enters its limit. The caller holds the dispute's row
lock (disputes.load(lock=True)), so two sides submitting at the same instant produce one outcome.

A limit is kept in its SealedOffer row and nowhere else: the audit trail holds a salted SHA-256
commitment to it (settlement, round, side, amount and a secret salt), so the order and the count
of offers are on record and a changed limit would not match its commitment, without the trail
revealing the limit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import _, formats, ngettext
from bot.services import audit, calendars
from bot.services.disputes import require_active
from bot.services.errors import DomainError, IllegalTransition, NotAllowed
from bot.services.parties import require_side
from bot.services.people import Person
from bot.services.vocabulary import CURRENCIES, MAX_AMOUNT, _as_plain_number
from models import (
    Agreement,
    AuditEvent,
    Dispute,
    Party,
    SealedOffer,
    Settlement,
    SettlementStatus,
    Side,
    utcnow,
)

ACTIVE = (SettlementStatus.ASKED, SettlementStatus.OPEN)
MAX_ROUNDS = 3
BUSINESS_DAYS = 5
ABSURD = 100  # a limit over this many times the amount in question is refused


def minor_units(currency: str) -> int:
    """The currency's decimals (CLDR's, through Babel: JPY 0), at most the 2 an amount is kept with."""
    return min(formats.minor_units(currency), 2)


class BadLimit(DomainError):
    """The limit typed cannot be taken (not a number, not positive, absurd, a step back): the
    form says why, inline."""


class RoundOver(IllegalTransition):
    """A button or form of a round that has ended (or of a settlement that has)."""


@dataclass(frozen=True)
class Terms:
    """A proposal's words (checked by the proposal form's own rules), without its amount."""

    summary: str
    details: str
    remedy: str


@dataclass(frozen=True)
class Outcome:
    """What a sealed offer led to. `kind`: "sealed" (waiting for the other side's), "settled"
    (`amount`), "apart" (a next round; `band` when the policy tells it), "ended" (no overlap
    after the last round)."""

    kind: str
    amount: Decimal | None = None
    band: str | None = None


def settled_privately(session: Session, agreement: Agreement) -> bool:
    """Whether the agreement's amount was found by sealed offers (its proposal came from one)."""
    if agreement.proposal_id is None:
        return False
    found = select(Settlement.id).where(Settlement.proposal_id == agreement.proposal_id).limit(1)
    return session.scalar(found) is not None


def active_for(session: Session, dispute_id: int) -> Settlement | None:
    return session.scalars(
        select(Settlement).where(
            Settlement.dispute_id == dispute_id, Settlement.status.in_([s.value for s in ACTIVE])
        )
    ).first()


def ask(
    session: Session,
    dispute: Dispute,
    actor: Person,
    *,
    currency: str,
    payer_side: str,
    in_question: Decimal,
    max_rounds: int = MAX_ROUNDS,
    days: int = BUSINESS_DAYS,
    step: Decimal | None = None,
    tell_bands: bool = False,
    terms: Terms | None = None,
) -> Settlement:
    """One side asks to settle the amount privately; nothing binds anyone until the other joins.
    `terms`: the words of the proposal it was started from, which go with the settled amount."""
    require_active(dispute, _("settle the amount privately"))
    party = require_side(dispute, actor, _("settle the amount privately"))
    if active_for(session, dispute.id) is not None:
        raise IllegalTransition(
            _("{ref} is already settling its amount privately.").format(ref=dispute.reference)
        )
    if currency not in CURRENCIES:
        raise BadLimit(_("Choose a currency from the list."))
    if payer_side not in (Side.PROVIDER, Side.CLIENT):
        raise BadLimit(_("Say which side would pay."))
    if not (Decimal("0") < in_question <= MAX_AMOUNT):
        raise BadLimit(_("The amount in question must be more than zero."))
    settlement = Settlement(
        dispute_id=dispute.id,
        status=SettlementStatus.ASKED,
        currency=currency,
        payer_side=payer_side,
        in_question=in_question,
        round=0,
        max_rounds=max(1, min(max_rounds, 10)),
        days=max(1, min(days, 30)),
        step=step,
        tell_bands=tell_bands,
        asked_side=party.side,
        asked_by_team=actor.team_id,
        asked_by_user=actor.user_id,
        asked_at=utcnow(),
        terms_summary=terms.summary if terms else None,
        terms_details=terms.details if terms else None,
        terms_remedy=terms.remedy if terms else None,
        deadline_at=_working_days_for_both(session, dispute, utcnow(), max(1, min(days, 30))),  # to answer
    )
    session.add(settlement)
    session.flush()
    _audit(session, dispute, actor, "settlement.asked", settlement, in_question=str(in_question))
    return settlement


def _working_days_for_both(session: Session, dispute: Dispute, start: datetime, days: int) -> datetime:
    """`days` working days in each side's calendar: the later of the two, so neither is cut short."""
    teams = {p.team_id for p in dispute.parties if p.side in (Side.PROVIDER, Side.CLIENT)} or {
        dispute.team_id
    }
    return max(
        calendars.add_working_days(calendars.calendar_of(session, team), start, days) for team in teams
    )


def join(
    session: Session, dispute: Dispute, settlement: Settlement, actor: Person, *, now: datetime | None = None
) -> None:
    """The other side joins: round 1 opens, with a deadline in working days that holds for both
    sides (the later of the two organizations' calendars)."""
    party = _other_side(dispute, settlement, actor, "join")
    now = now or utcnow()
    settlement.status = SettlementStatus.OPEN
    settlement.round = 1
    settlement.joined_by_team, settlement.joined_by_user = party.team_id, party.user_id
    settlement.joined_at = now
    settlement.deadline_at = _working_days_for_both(session, dispute, now, settlement.days)
    _audit(session, dispute, actor, "settlement.joined", settlement)


def decline(session: Session, dispute: Dispute, settlement: Settlement, actor: Person) -> None:
    """The other side declines to settle privately: it ends, and the dispute goes on as before."""
    _other_side(dispute, settlement, actor, "decline")
    _end(session, dispute, settlement, actor, "declined")


def withdraw(session: Session, dispute: Dispute, settlement: Settlement, actor: Person) -> None:
    """Either side stops it before it settles."""
    require_side(dispute, actor, _("stop settling the amount privately"))
    if settlement.status not in ACTIVE:
        raise RoundOver(_("This private settlement has already ended."))
    _end(session, dispute, settlement, actor, "withdrawn")


def _other_side(dispute: Dispute, settlement: Settlement, actor: Person, verb: str) -> Party:
    # Translators: completes "Only the parties to D-7 can …".
    doing = _("join a private settlement") if verb == "join" else _("decline a private settlement")
    party = require_side(dispute, actor, doing)
    if settlement.status != SettlementStatus.ASKED:
        raise RoundOver(_("This private settlement is no longer waiting for an answer."))
    if party.side == settlement.asked_side:
        raise NotAllowed(_("The other side answers this; your side asked for it."))
    return party


def parse_limit(raw: str, settlement: Settlement) -> Decimal:
    """A limit as typed ("1,250.50", "1250"), or BadLimit saying why it cannot be taken."""
    cleaned = _as_plain_number(raw.strip().removeprefix(settlement.currency).strip())
    named = cleaned[:3].upper()
    if named.isalpha() and named in CURRENCIES and named != settlement.currency:
        raise BadLimit(
            _("This private settlement is in {currency}: type the amount in {currency}.").format(
                currency=settlement.currency
            )
        )
    try:
        amount = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        raise BadLimit(
            _("Type an amount in numbers, like {plain} or {grouped}.").format(
                plain="1250", grouped=formats.amount(Decimal("1250.50"), None)
            )
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise BadLimit(_("The amount must be more than zero."))
    if amount > settlement.in_question * ABSURD or amount > MAX_AMOUNT:
        raise BadLimit(
            _("That is more than {times} times the amount in question; check the figure.").format(
                times=ABSURD
            )
        )
    places = minor_units(settlement.currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise BadLimit(
            ngettext(
                "{currency} amounts have {places} decimal place at most.",
                "{currency} amounts have {places} decimal places at most.",
                places,
            ).format(currency=settlement.currency, places=places)
            if places
            else _("{currency} amounts are whole numbers.").format(currency=settlement.currency)
        )
    return amount


def commitment(settlement_id: int, round_: int, side: str, amount: Decimal, salt: str) -> str:
    """The SHA-256 the trail keeps for a sealed offer: of the settlement, round, side, amount
    and a secret salt (without the salt, the amount cannot be found by trying amounts)."""
    text = f"parley/sealed-offer/v1:{settlement_id}:{round_}:{side}:{amount:.2f}:{salt}"
    return hashlib.sha256(text.encode()).hexdigest()


def submit(
    session: Session,
    dispute: Dispute,
    settlement: Settlement,
    actor: Person,
    amount: Decimal,
    *,
    round_: int,
    now: datetime | None = None,
) -> Outcome:
    """A side's approver seals its limit for round `round_` (the round its form was opened for:
    a form of a round that has ended is refused). When the other side's offer of the round is
    in, the round is resolved."""
    now = now or utcnow()
    party = require_side(dispute, actor, _("enter your side's limit"))
    # Checked before anything is written, whatever the limits: had they been checked only on an
    # overlap (when the agreement is made), a refusal would tell that the limits overlapped.
    require_active(dispute, _("settle the amount privately"))
    for sealed in settlement.offers:
        if sealed.round == round_ and not _approver_still(dispute, sealed):
            raise RoundOver(
                _("The other side's approver is no longer in the dispute; this round cannot settle.")
            )
    if settlement.status != SettlementStatus.OPEN or round_ != settlement.round:
        raise RoundOver(_("That round has ended; the thread says where the private settlement stands."))
    if settlement.deadline_at is not None and now > settlement.deadline_at:
        raise RoundOver(_("The private settlement's time is up; it ends without an agreement."))
    if not party.can_approve:
        raise NotAllowed(_("Only someone who approves for your side can enter its limit."))
    side = party.side
    if any(o.round == round_ and o.side == side for o in settlement.offers):
        raise RoundOver(_("Your side's limit for this round is already sealed."))
    earlier = [o for o in settlement.offers if o.side == side]
    if earlier:
        last = earlier[-1].limit_amount
        if side == settlement.payer_side and amount < last:
            raise BadLimit(_("In a new round your side can only move toward the other: no less than before."))
        if side != settlement.payer_side and amount > last:
            raise BadLimit(_("In a new round your side can only move toward the other: no more than before."))
    salt = secrets.token_hex(16)
    offer = SealedOffer(
        settlement_id=settlement.id,
        round=round_,
        side=side,
        limit_amount=amount,
        salt=salt,
        commitment=commitment(settlement.id, round_, side, amount, salt),
        submitted_by_team=actor.team_id,
        submitted_by_user=actor.user_id,
        submitted_at=now,
    )
    settlement.offers.append(offer)
    session.flush()
    _audit(
        session,
        dispute,
        actor,
        "settlement.offer_sealed",
        settlement,
        round=round_,
        commitment=offer.commitment,
    )
    both = {o.side: o.limit_amount for o in settlement.offers if o.round == round_}
    if len(both) < 2:
        return Outcome("sealed")
    return _resolve(
        session,
        dispute,
        settlement,
        actor,
        pays=both[settlement.payer_side],
        accepts=both[settlement.receiver_side],
    )


def _approver_still(dispute: Dispute, sealed: SealedOffer) -> bool:
    party = dispute.party_of(sealed.submitted_by_team, sealed.submitted_by_user)
    return party is not None and party.can_approve and party.side == sealed.side


def _resolve(
    session: Session,
    dispute: Dispute,
    settlement: Settlement,
    actor: Person,
    *,
    pays: Decimal,
    accepts: Decimal,
) -> Outcome:
    if pays >= accepts:
        amount = settled_at(pays, accepts, settlement.currency, settlement.step)
        settlement.status = SettlementStatus.SETTLED
        settlement.settled_amount = amount
        settlement.ended_at = utcnow()
        _audit(
            session,
            dispute,
            actor,
            "settlement.settled",
            settlement,
            amount=str(amount),
            round=settlement.round,
        )
        return Outcome("settled", amount=amount)
    band = gap_band(pays, accepts) if settlement.tell_bands else None
    settlement.last_band = band
    if settlement.round >= settlement.max_rounds:
        _end(session, dispute, settlement, actor, "apart")
        return Outcome("ended", band=band)
    _audit(session, dispute, actor, "settlement.still_apart", settlement, round=settlement.round, band=band)
    settlement.round += 1
    return Outcome("apart", band=band)


def settled_at(pays: Decimal, accepts: Decimal, currency: str, step: Decimal | None = None) -> Decimal:
    """The midpoint of an overlap, rounded to the currency's minor unit, or to `step` where a
    multiple of it lies within the overlap; always within [accepts, pays]."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    middle = (pays + accepts) / 2
    if step and step > 0:
        stepped = (middle / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        for candidate in (stepped, stepped - step, stepped + step):
            if accepts <= candidate <= pays:
                return candidate.quantize(unit)
    rounded = middle.quantize(unit, rounding=ROUND_HALF_UP)
    if rounded > pays:
        rounded = middle.quantize(unit, rounding=ROUND_FLOOR)
    if rounded < accepts:
        rounded = middle.quantize(unit, rounding=ROUND_CEILING)
    return rounded


def gap_band(pays: Decimal, accepts: Decimal) -> str:
    """How far apart, in broad bands of the receiving side's figure: never a number."""
    gap = (accepts - pays) / accepts
    if gap <= Decimal("0.10"):
        return "within 10%"
    if gap <= Decimal("0.25"):
        return "10% to 25%"
    return "more than 25%"


def expire(session: Session, *, now: datetime | None = None) -> list[Settlement]:
    """Private settlements past their deadline end without an agreement; returns them."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Settlement).where(
                Settlement.status.in_([s.value for s in ACTIVE]), Settlement.deadline_at < now
            )
        )
    )
    ended = []
    for settlement in due:
        dispute = session.get(Dispute, settlement.dispute_id, with_for_update=True)
        session.refresh(settlement)  # under the dispute's lock: a last offer may have settled it
        if dispute is not None and settlement.status in ACTIVE:
            _end(session, dispute, settlement, None, "deadline")
            ended.append(settlement)
    return ended


def _end(
    session: Session, dispute: Dispute, settlement: Settlement, actor: Person | None, reason: str
) -> None:
    settlement.status = SettlementStatus.ENDED
    settlement.ended_reason = reason
    settlement.ended_at = utcnow()
    _audit(session, dispute, actor, "settlement.ended", settlement, reason=reason)


def _audit(
    session: Session,
    dispute: Dispute,
    actor: Person | None,
    kind: str,
    settlement: Settlement,
    **payload: object,
) -> None:
    """Every event names the settlement, its currency and who pays; never a limit."""
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind=kind,
        actor=actor,
        settlement=settlement.id,
        currency=settlement.currency,
        payer=settlement.payer_side,
        **payload,
    )


def unsealed(session: Session, *, dispute_id: int | None = None) -> SealedOffer | None:
    """The first sealed offer whose limit no longer matches the commitment the audit trail holds
    for it (changed after it was sealed), or None when every one does (`parley verify --audit`)."""
    offers = select(SealedOffer).join(Settlement).order_by(SealedOffer.id)
    events = select(AuditEvent.payload).where(AuditEvent.kind == "settlement.offer_sealed")
    if dispute_id is not None:
        offers = offers.where(Settlement.dispute_id == dispute_id)
        events = events.where(AuditEvent.dispute_id == dispute_id)
    held: set[tuple[Any, Any, Any]] = set()
    for row in session.execute(events):
        payload: dict[str, Any] = row[0] or {}
        held.add((payload.get("settlement"), payload.get("round"), payload.get("commitment")))
    for sealed in session.scalars(offers):
        again = commitment(sealed.settlement_id, sealed.round, sealed.side, sealed.limit_amount, sealed.salt)
        if again != sealed.commitment or (sealed.settlement_id, sealed.round, again) not in held:
            return sealed
    return None
