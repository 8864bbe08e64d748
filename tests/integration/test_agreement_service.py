"""Agreements on SQLite and PostgreSQL: versions, hashes, approvals, exactly-once ratification."""

from __future__ import annotations

import threading
from datetime import UTC, date

import pytest
from sqlalchemy import func, select

from bot.services import agreements, disputes
from bot.services.agreements import AgreementDraft
from bot.services.errors import DomainError, IllegalTransition, NotAllowed
from bot.services.people import Participant, Person
from bot.services.policy import EVERYONE, ONE_PER_SIDE
from bot.services.proposals import ItemDraft
from models import Agreement, Approval, AuditEvent, CheckIn, DisputeStatus, Party, Side

HOST = "T0HOST"
sam, sol = Person(HOST, "U0SAM"), Person(HOST, "U0SOL")
cora, clive = Person("T0C", "U0CORA"), Person("T0C", "U0CLIVE")
mia = Person("T0M", "U0MIA")


def make(db) -> int:
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=HOST, channel_id="C1", title="t", category="quality", description="d",
            desired_outcome="o", opener=Participant(sam),
            others=[Participant(sol), Participant(cora), Participant(clive)]))
        d.parties.append(Party(team_id="T0M", user_id="U0MIA", side=Side.MEDIATOR))
        return d.id


def draft(db, dispute_id, person=sam, terms="Redo the screens.", rule=ONE_PER_SIDE):
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        a, old = agreements.draft(s, d, d.party_of(person.team_id, person.user_id), AgreementDraft(
            terms=terms, items=[ItemDraft("Redo", sam, date(2030, 1, 7))], checkin_days=[7, 30]),
            actor=person, approvals_rule=rule)
        return a.id, a.content_hash


def approve(db, dispute_id, agreement_id, person, shown=None):
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        a = agreements.get(s, d, agreement_id)
        return agreements.approve(s, d, a, d.party_of(person.team_id, person.user_id),
                                  shown_hash=shown or a.content_hash, actor=person, tz="Europe/Paris")


def test_versions_supersede_and_hashes_follow_the_text(db):
    dispute_id = make(db)
    first, h1 = draft(db, dispute_id)
    second, h2 = draft(db, dispute_id, terms="Redo the screens and credit 10%.")
    assert h1 != h2 and len(h1) == 64
    with db.read() as s:
        rows = {a.version: a.status for a in s.scalars(select(Agreement))}
        assert rows == {1: "superseded", 2: "pending"}
        assert disputes.load(s, HOST, dispute_id).status == DisputeStatus.AGREEMENT_PENDING
    with pytest.raises(DomainError, match="superseded by v2"):
        approve(db, dispute_id, first, cora)
    with pytest.raises(DomainError, match="not the current"):
        approve(db, dispute_id, second, cora, shown=h1)


def test_one_per_side_then_ratified_once_with_checkins(db):
    dispute_id = make(db)
    agreement_id, _ = draft(db, dispute_id)
    first = approve(db, dispute_id, agreement_id, sam)
    assert not first.ratified and first.state.missing == [("client", "T0C")]
    same_side = approve(db, dispute_id, agreement_id, sol)
    assert not same_side.ratified  # the provider side alone cannot complete it
    again = approve(db, dispute_id, agreement_id, sam)
    assert again.already and not again.ratified
    last = approve(db, dispute_id, agreement_id, cora)
    assert last.ratified and len(last.checkins) == 3
    with pytest.raises(DomainError, match="already in effect"):
        approve(db, dispute_id, agreement_id, clive)
    with pytest.raises(IllegalTransition, match="can no longer change"):
        draft(db, dispute_id, terms="sneaky edit")
    with db.read() as s:
        assert disputes.load(s, HOST, dispute_id).status == DisputeStatus.AGREED
        assert s.scalar(select(func.count()).select_from(Approval)) == 3
        dues = sorted(c.due_at for c in s.scalars(select(CheckIn)))
        assert all(d.astimezone(UTC).weekday() < 5 for d in dues)
        assert all(d.astimezone(agreements.checkins.zone("Europe/Paris")).hour == 10 for d in dues)
        kinds = [e.kind for e in s.scalars(select(AuditEvent))]
        assert kinds.count("agreement.ratified") == 1 and kinds.count("agreement.approved") == 3


def test_everyone_rule_and_who_may_approve(db):
    dispute_id = make(db)
    agreement_id, _ = draft(db, dispute_id, person=mia, rule=EVERYONE)  # a mediator may draft
    with pytest.raises(NotAllowed, match="mediator"):
        approve(db, dispute_id, agreement_id, mia)
    for person in (sam, cora, sol):
        assert not approve(db, dispute_id, agreement_id, person).ratified
    assert approve(db, dispute_id, agreement_id, clive).ratified


@pytest.mark.parametrize("round_", range(10))
def test_two_approvers_at_the_same_instant_ratify_exactly_once(db, round_):
    dispute_id = make(db)
    agreement_id, _ = draft(db, dispute_id)
    people = [sam, cora, sam, cora, clive, sol]  # double clicks included
    barrier = threading.Barrier(len(people))
    outcomes: list[object] = []

    def go(person: Person) -> None:
        barrier.wait()
        try:
            outcomes.append(approve(db, dispute_id, agreement_id, person))
        except DomainError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ratified = [o for o in outcomes if isinstance(o, agreements.Approved) and o.ratified]
    assert len(ratified) == 1
    with db.read() as s:
        approvals = s.scalars(select(Approval)).all()
        assert len({(a.team_id, a.user_id) for a in approvals}) == len(approvals)
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 3
        assert [e.kind for e in s.scalars(select(AuditEvent))].count("agreement.ratified") == 1


def propose(db, dispute_id, person, due=date(2030, 1, 7)) -> int:
    from bot.services import proposals
    from bot.services.proposals import ProposalDraft

    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        done = proposals.propose(s, d, d.party_of(person.team_id, person.user_id), ProposalDraft(
            summary="Redo", details="Redo the screens.", remedy="redo", amount=None, currency=None,
            items=[ItemDraft("Redo", sam, due)]), actor=person)
        return done.proposal.id


def accept(db, dispute_id, proposal_id, person, today=date(2029, 1, 1)):
    from bot.services import proposals

    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        party = d.party_of(person.team_id, person.user_id)
        p = proposals.get(s, d, proposal_id)
        proposals.answer(s, d, p, party, accept=True, actor=person)
        return agreements.accept_as_agreement(s, d, p, party, actor=person,
                                              approvals_rule=ONE_PER_SIDE, checkin_days=(7,),
                                              tz=None, today=today)


def test_accepting_replaces_a_pending_version_and_sets_aside_the_open_proposals(db):
    from models import Proposal

    dispute_id = make(db)
    ours, theirs = propose(db, dispute_id, sam), propose(db, dispute_id, cora)
    pending, _ = draft(db, dispute_id)  # written by hand meanwhile, waiting for approvals
    outcome = accept(db, dispute_id, ours, clive)
    assert outcome.ratified and outcome.superseded is not None and outcome.superseded.id == pending
    assert [p.id for p in outcome.set_aside] == [theirs]
    with db.read() as s:
        assert {a.version: a.status for a in s.scalars(select(Agreement))} == {
            1: "superseded", 2: "ratified"}
        assert s.get(Proposal, theirs).status == "superseded"
        aside = [e.payload for e in s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "proposal.superseded"))]
        assert aside == [{"proposal": "P2", "by": "agreement version 2"}]


def test_a_due_date_that_has_passed_is_not_agreed(db):
    from models import Proposal

    dispute_id = make(db)
    late = propose(db, dispute_id, sam, due=date(2030, 1, 7))
    with pytest.raises(DomainError, match="due on 7 January 2030, which has passed.*Suggest a change"):
        accept(db, dispute_id, late, cora, today=date(2030, 1, 8))
    with db.read() as s:  # nothing was written: still open, no agreement
        assert s.get(Proposal, late).status == "open"
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0
    assert accept(db, dispute_id, late, cora, today=date(2030, 1, 7)).ratified  # due today is fine
