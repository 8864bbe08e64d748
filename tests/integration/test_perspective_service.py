"""Perspectives and proposals on SQLite and PostgreSQL, including simultaneous steps."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from bot.services import disputes, perspectives, proposals
from bot.services.errors import DomainError, IllegalTransition, NotAllowed
from bot.services.people import Participant, Person
from bot.services.perspectives import PerspectiveText, Shared
from bot.services.proposals import ItemDraft, ProposalDraft
from models import AuditEvent, DisputeStatus, Perspective, Proposal

HOST = "T0HOST"
sam, cora, clive = Person(HOST, "U0SAM"), Person("T0C", "U0CORA"), Person("T0C", "U0CLIVE")
TEXT = PerspectiveText("what", "impact", "resolution")


def make(db) -> int:
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=HOST, channel_id="C1", title="t", category="quality", description="d",
            desired_outcome="o", opener=Participant(sam),
            others=[Participant(cora), Participant(clive)]))
        return d.id


def do_share(db, dispute_id, person, seal=True, text=TEXT) -> Shared:
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        outcome = perspectives.share(s, d, d.party_of(person.team_id, person.user_id), text,
                                     seal=seal, actor=person)
        for p in outcome.to_post:
            p.posted_ts = f"ts-{p.id}"
        return outcome.kind


def test_sealed_then_reveal_then_revision(db):
    dispute_id = make(db)
    assert do_share(db, dispute_id, cora) == Shared.SEALED
    assert do_share(db, dispute_id, clive) == Shared.SEALED  # same side: still sealed
    assert do_share(db, dispute_id, sam) == Shared.REVEAL
    assert do_share(db, dispute_id, cora) == Shared.REVISION
    with db.read() as s:
        assert disputes.load(s, HOST, dispute_id).status == DisputeStatus.DISCUSSING
        rows = s.scalars(select(Perspective).order_by(Perspective.id)).all()
        assert [(p.party.user_id, p.version, bool(p.posted_ts)) for p in rows] == [
            ("U0CORA", 1, True), ("U0CLIVE", 1, True), ("U0SAM", 1, True), ("U0CORA", 2, True)]


def test_unsealed_posts_at_once(db):
    dispute_id = make(db)
    assert do_share(db, dispute_id, cora, seal=False) == Shared.POSTED
    assert do_share(db, dispute_id, cora, seal=False) == Shared.REVISION


def test_unsealed_the_card_still_waits_for_the_side_that_has_not_told_its_side(db):
    from bot.services.next_step import Step, next_step

    dispute_id = make(db)
    do_share(db, dispute_id, cora, seal=False)
    with db.read() as s:
        step = next_step(s, disputes.load(s, HOST, dispute_id))
        assert (step.step, step.waiting, step.revealed) == (Step.SHARE, {"provider"}, True)
    do_share(db, dispute_id, sam, seal=False)
    with db.read() as s:
        assert next_step(s, disputes.load(s, HOST, dispute_id)).step == Step.PROPOSE


def test_two_sides_sharing_at_the_same_instant_reveal_exactly_once(db):
    for _ in range(5):
        dispute_id = make(db)
        barrier = threading.Barrier(2)
        kinds: list[Shared] = []

        def go(person: Person) -> None:
            barrier.wait()
            kinds.append(do_share(db, dispute_id, person))

        threads = [threading.Thread(target=go, args=(p,)) for p in (sam, cora)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(kinds) == [Shared.REVEAL, Shared.SEALED]


def test_closed_disputes_take_no_perspectives(db):
    dispute_id = make(db)
    with db.transaction() as s:
        disputes.transition(s, disputes.load(s, HOST, dispute_id), DisputeStatus.CLOSED, actor=sam)
    with pytest.raises(IllegalTransition):
        do_share(db, dispute_id, cora)


def draft(**kw) -> ProposalDraft:
    return ProposalDraft(summary="s", details="d", remedy="redo",
                         items=[ItemDraft("fix", sam, date(2030, 1, 1))], **kw)


def test_proposal_lifecycle_and_rules(db):
    dispute_id = make(db)
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        first = proposals.propose(s, d, d.party_of(HOST, "U0SAM"), draft(), actor=sam).proposal
        with pytest.raises(NotAllowed):
            proposals.answer(s, d, first, d.party_of(HOST, "U0SAM"), accept=True, actor=sam)
        counter = proposals.propose(s, d, d.party_of("T0C", "U0CORA"), draft(), actor=cora,
                                    counter_of=first.id)
        assert counter.superseded is not None and counter.proposal.supersedes_id == first.id
        assert first.status == "superseded"
        with pytest.raises(DomainError, match="P1 was superseded by P2"):
            proposals.answer(s, d, first, d.party_of("T0C", "U0CORA"), accept=True, actor=cora)
        proposals.answer(s, d, counter.proposal, d.party_of(HOST, "U0SAM"), accept=False,
                         actor=sam, reason="  too much ")
        assert counter.proposal.decline_reason == "too much"
        kinds = [e.kind for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert kinds[-5:] == ["proposal.made", "dispute.status_changed", "proposal.superseded",
                              "proposal.made", "proposal.declined"]


def test_simultaneous_accepts_decide_once(db):
    dispute_id = make(db)
    with db.transaction() as s:
        d = disputes.load(s, HOST, dispute_id, lock=True)
        proposal_id = proposals.propose(s, d, d.party_of(HOST, "U0SAM"), draft(), actor=sam).proposal.id
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(person: Person) -> None:
        barrier.wait()
        try:
            with db.transaction() as s:
                d = disputes.load(s, HOST, dispute_id, lock=True)
                p = proposals.get(s, d, proposal_id)
                proposals.answer(s, d, p, d.party_of(person.team_id, person.user_id), accept=True, actor=person)
            results.append("ok")
        except DomainError:
            results.append("refused")

    threads = [threading.Thread(target=accept, args=(p,)) for p in (cora, clive)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    with db.read() as s:
        assert s.get(Proposal, proposal_id).status == "accepted"
