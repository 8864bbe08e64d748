"""Settling the amount privately (bot/services/settlements.py), on SQLite and PostgreSQL: asked,
joined, sealed offers round by round; settled at the midpoint of an overlap, within both limits;
never a limit in the audit trail; who may do what; rounds, deadlines and simultaneous offers."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.services import disputes, settlements
from bot.services.errors import IllegalTransition, NotAllowed
from bot.services.people import Participant, Person
from bot.services.settlements import BadLimit, RoundOver, commitment, settled_at
from models import AuditEvent, Dispute, Settlement, utcnow
from tests.conftest import CLIVE, CORA, SAM, SOL

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)
COLLEAGUE = Person(SOL.team_id, SOL.id)  # on the studio's side, but not one who approves
CLIENT_TOO = Person(CLIVE.team_id, CLIVE.id)


def dispute_with_amount(db) -> int:
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=STUDIO.team_id, channel_id="C0SHARED", title="Refund for the late homepage",
            category="billing", description="d", desired_outcome="o", amount=Decimal("1000"), currency="EUR",
            opener=Participant(STUDIO), others=[Participant(CLIENT), Participant(CLIENT_TOO),
                                                Participant(COLLEAGUE)]))
        d.party_of(COLLEAGUE.team_id, COLLEAGUE.user_id).can_approve = False
        return d.id


def joined(db, *, max_rounds: int = 3, tell_bands: bool = False, step: Decimal | None = None) -> tuple[int, int]:
    """The studio would pay the client; the client asked, the studio joined."""
    dispute_id = dispute_with_amount(db)
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        found = settlements.ask(s, d, CLIENT, currency="EUR", payer_side="provider", in_question=Decimal("1000"),
                                max_rounds=max_rounds, tell_bands=tell_bands, step=step)
        settlements.join(s, d, found, STUDIO)
        return dispute_id, found.id


def offer(db, dispute_id: int, settlement_id: int, who: Person, amount: str, round_: int | None = None):
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        found = s.get(Settlement, settlement_id)
        return settlements.submit(s, d, found, who, Decimal(amount),
                                  round_=found.round if round_ is None else round_)


def words_of(events: list[AuditEvent]) -> str:
    """What the trail's payloads say, less their fingerprints: a SHA-256 in hex can hold any run of
    digits ("…9400cc…"), and a commitment is no limit."""
    return re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", " ".join(str(e.payload) for e in events))


def trail(db, dispute_id: int) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id).order_by(AuditEvent.id)))


def test_an_overlap_in_the_first_round_settles_at_the_midpoint(db):
    dispute_id, settlement_id = joined(db)
    assert offer(db, dispute_id, settlement_id, STUDIO, "600").kind == "sealed"  # pays at most 600
    done = offer(db, dispute_id, settlement_id, CLIENT, "450.25")  # accepts at least 450.25
    assert (done.kind, done.amount) == ("settled", Decimal("525.13"))  # 525.125, half up
    with db.read() as s:
        found = s.get(Settlement, settlement_id)
        assert (found.status, found.settled_amount) == ("settled", Decimal("525.13"))
        for sealed in found.offers:  # each limit matches the commitment the trail holds
            assert commitment(found.id, sealed.round, sealed.side, sealed.limit_amount, sealed.salt) == sealed.commitment
    events = trail(db, dispute_id)
    kinds = [e.kind for e in events if e.kind.startswith("settlement.")]
    assert kinds == ["settlement.asked", "settlement.joined", "settlement.offer_sealed", "settlement.offer_sealed",
                     "settlement.settled"]
    said = words_of(events)
    assert "600" not in said and "450.25" not in said and "525.13" in said


def test_apart_then_an_overlap_in_the_second_round(db):
    dispute_id, settlement_id = joined(db, tell_bands=True)
    offer(db, dispute_id, settlement_id, STUDIO, "400")
    apart = offer(db, dispute_id, settlement_id, CLIENT, "500")
    assert (apart.kind, apart.band) == ("apart", "10% to 25%")  # 100 short of 500: 20%
    with pytest.raises(BadLimit, match="no less than before"):  # the payer only moves up
        offer(db, dispute_id, settlement_id, STUDIO, "350")
    with pytest.raises(RoundOver):  # a form of round 1, sent again
        offer(db, dispute_id, settlement_id, CLIENT, "480", round_=1)
    offer(db, dispute_id, settlement_id, STUDIO, "470")
    with pytest.raises(BadLimit, match="no more than before"):
        offer(db, dispute_id, settlement_id, CLIENT, "520")
    done = offer(db, dispute_id, settlement_id, CLIENT, "460")
    assert (done.kind, done.amount) == ("settled", Decimal("465.00"))
    assert "400" not in words_of(trail(db, dispute_id))


def test_apart_after_the_last_round_ends_without_agreement(db):
    dispute_id, settlement_id = joined(db, max_rounds=2)
    for pays, accepts in (("100", "900"), ("200", "800")):
        offer(db, dispute_id, settlement_id, STUDIO, pays)
        outcome = offer(db, dispute_id, settlement_id, CLIENT, accepts)
    assert (outcome.kind, outcome.band) == ("ended", None)  # no band unless the policy says so
    with db.read() as s:
        found = s.get(Settlement, settlement_id)
        assert (found.status, found.ended_reason, found.settled_amount) == ("ended", "apart", None)
        assert s.get(Dispute, dispute_id).status == "open"  # the dispute goes on as before
    with pytest.raises(RoundOver):
        offer(db, dispute_id, settlement_id, STUDIO, "300")


def test_who_may_ask_join_and_enter_a_limit(db):
    dispute_id = dispute_with_amount(db)
    outsider = Person("T0THIRD", "U0THIRD")
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        with pytest.raises(NotAllowed):
            settlements.ask(s, d, outsider, currency="EUR", payer_side="provider", in_question=Decimal("1000"))
        found = settlements.ask(s, d, CLIENT, currency="EUR", payer_side="provider", in_question=Decimal("1000"))
        with pytest.raises(NotAllowed, match="your side asked"):
            settlements.join(s, d, found, CLIENT_TOO)
        settlements.join(s, d, found, STUDIO)
        with pytest.raises(NotAllowed, match="approves for your side"):
            settlements.submit(s, d, found, COLLEAGUE, Decimal("500"), round_=1)
        with pytest.raises(NotAllowed):
            settlements.submit(s, d, found, outsider, Decimal("500"), round_=1)
        for raw, why in (("-5", "more than zero"), ("0", "more than zero"), ("abc", "in numbers"),
                         ("100001", "100 times"), ("10.123", "2 decimal places"), ("NaN", "more than zero"),
                         ("Infinity", "more than zero"), ("USD 500", "is in EUR")):
            with pytest.raises(BadLimit, match=why):
                settlements.parse_limit(raw, found)
        assert settlements.parse_limit("EUR 1,250.50", found) == Decimal("1250.50")
        settlements.submit(s, d, found, STUDIO, Decimal("500"), round_=1)
        with pytest.raises(RoundOver, match="already sealed"):
            settlements.submit(s, d, found, STUDIO, Decimal("600"), round_=1)


def test_past_its_deadline_it_ends(db):
    dispute_id, settlement_id = joined(db)
    with db.transaction() as s:
        assert settlements.expire(s) == []
        assert [f.id for f in settlements.expire(s, now=utcnow() + timedelta(days=8))] == [settlement_id]
        assert s.get(Settlement, settlement_id).ended_reason == "deadline"


@pytest.mark.parametrize(("pays", "accepts", "currency", "step", "expected"), [
    ("600", "450.25", "EUR", None, "525.13"),
    ("101", "100", "JPY", None, "101"),  # 100.5 rounds half up, still within
    ("100.01", "100.00", "EUR", None, "100.01"),
    ("1000", "500", "EUR", "50", "750.00"),
    ("540", "510", "EUR", "50", "525.00"),  # no multiple of 50 between 510 and 540: cents
    ("550", "510", "EUR", "50", "550.00"),
])
def test_the_settled_amount(pays, accepts, currency, step, expected):
    assert settled_at(Decimal(pays), Decimal(accepts), currency, Decimal(step) if step else None) == Decimal(expected)


limits = st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=2, allow_nan=False,
                     allow_infinity=False)


@given(st.lists(st.tuples(limits, limits), min_size=1, max_size=3), st.sampled_from(["EUR", "JPY"]),
       st.sampled_from([None, Decimal("0.05"), Decimal("25")]))
@settings(max_examples=150, deadline=None)
def test_a_settled_amount_always_lies_within_both_limits(rounds, currency, step):
    for pays, accepts in rounds:
        if currency == "JPY":
            pays, accepts = pays.quantize(Decimal(1)), accepts.quantize(Decimal(1))
        if pays >= accepts:
            amount = settled_at(pays, accepts, currency, step)
            assert accepts <= amount <= pays


@given(st.lists(st.tuples(limits, limits), min_size=1, max_size=3))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_limit_ever_reaches_the_audit_trail(db, rounds):
    dispute_id, settlement_id = joined(db, max_rounds=3, tell_bands=True)
    said: list[Decimal] = []
    pays_floor, accepts_ceiling = Decimal("0"), Decimal("999999")
    for pays, accepts in rounds:
        pays, accepts = max(pays, pays_floor), min(accepts, accepts_ceiling)  # only toward each other
        pays_floor, accepts_ceiling = pays, accepts
        offer(db, dispute_id, settlement_id, STUDIO, f"{pays:f}")
        outcome = offer(db, dispute_id, settlement_id, CLIENT, f"{accepts:f}")
        said += [pays, accepts]
        if outcome.kind == "settled":
            assert accepts <= outcome.amount <= pays
        if outcome.kind != "apart":
            break
    with db.read() as s:
        settled = s.get(Settlement, settlement_id).settled_amount
    written = {str(v) for e in trail(db, dispute_id) for v in (e.payload or {}).values()}
    for limit in said:
        if limit not in (settled, Decimal("1000")):  # the settled amount, and the amount in question
            assert f"{limit:f}" not in written and str(limit) not in written


@pytest.mark.parametrize("attempt", range(3))
def test_both_sides_sealing_at_the_same_instant_make_one_outcome(db, attempt):
    dispute_id, settlement_id = joined(db)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def seal(who: Person, amount: str) -> None:
        start.wait()
        outcomes.append(offer(db, dispute_id, settlement_id, who, amount).kind)

    threads = [threading.Thread(target=seal, args=a) for a in ((STUDIO, "700"), (CLIENT, "300"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["sealed", "settled"]
    kinds = [e.kind for e in trail(db, dispute_id)]
    assert kinds.count("settlement.settled") == 1 and kinds.count("settlement.offer_sealed") == 2


def test_a_refusal_never_tells_whether_the_limits_overlapped(db):
    """A limit refused because the dispute moved on is refused whatever the limits: otherwise a
    side could learn the other's by trying figures (refused on an overlap, saved when apart)."""
    dispute_id, settlement_id = joined(db)
    offer(db, dispute_id, settlement_id, STUDIO, "600")
    with db.transaction() as s:
        s.get(Dispute, dispute_id).status = "agreement_pending"
    for figure in ("500", "900"):  # one would overlap, one would not
        with pytest.raises(IllegalTransition):
            offer(db, dispute_id, settlement_id, CLIENT, figure)
    with db.read() as s:
        assert len(s.get(Settlement, settlement_id).offers) == 1


def test_an_unanswered_ask_ends_in_time_and_a_settled_one_is_never_ended(db):
    dispute_id = dispute_with_amount(db)
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        asked = settlements.ask(s, d, CLIENT, currency="EUR", payer_side="provider", in_question=Decimal("1000"))
    dispute_two, settled_id = joined(db)
    offer(db, dispute_two, settled_id, STUDIO, "600")
    offer(db, dispute_two, settled_id, CLIENT, "400")
    with db.transaction() as s:
        ended = settlements.expire(s, now=utcnow() + timedelta(days=10))
        assert [f.id for f in ended] == [asked.id]  # the settled one stays settled


def test_parley_verify_finds_a_limit_changed_after_it_was_sealed(db, database_url):
    from tests.integration.test_audit_chain import parley

    def verify_audit(url):
        return parley(url, "verify", "--audit")

    dispute_id, settlement_id = joined(db)
    offer(db, dispute_id, settlement_id, STUDIO, "600")
    ok = verify_audit(database_url)
    assert ok.returncode == 0 and "every sealed limit matches its fingerprint" in ok.stdout, ok.stderr
    with db.transaction() as s:
        s.get(Settlement, settlement_id).offers[0].limit_amount = Decimal("650")  # by hand, afterwards
    changed = verify_audit(database_url)
    assert changed.returncode == 1
    assert "A sealed limit of D-1 (round 1) does not match its fingerprint" in changed.stdout + changed.stderr
    assert "650" not in changed.stdout + changed.stderr and "600" not in changed.stdout + changed.stderr
