"""Dispute services on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.services import disputes as service
from bot.services.errors import DomainError, IllegalTransition, NotFound
from bot.services.people import Participant, Person
from models import AuditEvent, Dispute, DisputeStatus

HOST = "T0HOST"
sam = Participant(Person(HOST, "U0SAM"))
cora = Participant(Person("T0CLIENT", "U0CORA"))
gus = Participant(Person(HOST, "U0GUS"), is_guest=True)


def new(channel="C1", others=(cora,), opener=sam, team=HOST, **kw) -> service.NewDispute:
    return service.NewDispute(host_team_id=team, channel_id=channel, title=" Late ",
                              category="delivery", description="d", desired_outcome="o",
                              opener=opener, others=list(others), **kw)


def test_open_assigns_sides_and_audits(db):
    with db.transaction() as s:
        dispute = service.open_dispute(s, new(others=[cora, cora], amount=Decimal("5.00"),
                                              currency="USD"))
        assert dispute.title == "Late" and dispute.status == DisputeStatus.OPEN
        assert [(p.user_id, p.side) for p in dispute.parties] == [
            ("U0SAM", "provider"), ("U0CORA", "client")]
        assert dispute.client_team == "T0CLIENT"
        assert dispute.perspectives_due_at > dispute.created_at
        event = s.scalars(select(AuditEvent)).one()
        assert (event.kind, event.actor_user, event.dispute_id) == ("dispute.opened", "U0SAM", dispute.id)
        assert event.payload["reference"] == "D-1"


def test_the_client_is_one_organization(db):
    """A guest of the studio's workspace is the client where the client's people are its
    guests; the client side is never two organizations (issue 25)."""
    with db.transaction() as s:
        guests = service.open_dispute(s, new(others=[gus]))
        assert [(p.user_id, p.side) for p in guests.parties] == [("U0SAM", "provider"), ("U0GUS", "client")]
        assert guests.client_team == HOST
        for one_sided in ([sam], []):
            with pytest.raises(DomainError, match="between two organizations"):
                service.open_dispute(s, new(others=one_sided))
        with pytest.raises(DomainError, match="from more than one"):
            service.open_dispute(s, new(others=[cora, gus]))


def test_numbers_are_per_workspace(db):
    with db.transaction() as s:
        refs = [service.open_dispute(s, new(team=t, opener=Participant(Person(t, "U0OWN"))))
                .reference for t in ("TA", "TB", "TA", "TA")]
    assert refs == ["D-1", "D-1", "D-2", "D-3"]


def test_concurrent_openings_never_share_a_number(db):
    numbers: list[int] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                with db.transaction() as s:
                    numbers.append(service.open_dispute(s, new()).number)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 25))


def test_transitions_are_guarded_and_audited(db):
    with db.transaction() as s:
        dispute = service.open_dispute(s, new())
        service.transition(s, dispute, DisputeStatus.DISCUSSING, actor=sam.person)
        with pytest.raises(IllegalTransition) as caught:
            service.transition(s, dispute, DisputeStatus.RESOLVED, actor=sam.person)
        assert "D-1 is discussing" in caught.value.message
        service.transition(s, dispute, DisputeStatus.CLOSED, actor=None)
        assert dispute.ended_at is not None
        kinds = [e.kind for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert kinds == ["dispute.opened", "dispute.status_changed", "dispute.status_changed"]


def test_lookups(db):
    with db.transaction() as s:
        first = service.open_dispute(s, new())
        service.attach_thread(s, first, thread_ts="1.1", permalink=None, actor=sam.person)
        second = service.open_dispute(s, new())
        service.attach_thread(s, second, thread_ts="1.2", permalink=None, actor=sam.person)
        service.open_dispute(s, new())  # never got a thread: not listed
        service.transition(s, first, DisputeStatus.CLOSED, actor=None)
    with db.transaction() as s:
        rows, total = service.list_active_in_channel(s, HOST, "C1")
        assert [d.reference for d in rows] == ["D-2"] and total == 1
        assert service.get_by_reference(s, HOST, "d-2").id == second.id
        with pytest.raises(NotFound):
            service.get_by_reference(s, HOST, "D-99")
        with pytest.raises(NotFound):
            service.get_by_reference(s, HOST, "seven")
        assert [d.reference for d in service.disputes_for_person(s, cora.person)] == ["D-2"]


def test_list_counts_beyond_the_limit(db):
    with db.transaction() as s:
        for i in range(5):
            d = service.open_dispute(s, new())
            service.attach_thread(s, d, thread_ts=f"1.{i}", permalink=None, actor=sam.person)
    with db.transaction() as s:
        rows, total = service.list_active_in_channel(s, HOST, "C1", limit=3)
        assert len(rows) == 3 and total == 5


def test_timestamps_come_back_timezone_aware(db):
    with db.transaction() as s:
        dispute_id = service.open_dispute(s, new()).id
    with db.transaction() as s:
        assert s.get(Dispute, dispute_id).created_at.tzinfo is not None
