"""Disputes in a given state, made directly through the services (fast set-up for tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.services import (
    aftercare,
    agreements,
    audit,
    disputes,
    lessons,
    perspectives,
    proposals,
)
from bot.services.agreements import AgreementDraft
from bot.services.people import Participant, Person
from bot.services.perspectives import PerspectiveText
from bot.services.proposals import ItemDraft, ProposalDraft
from models import AuditEvent, CheckIn, Dispute, utcnow


def ratified_dispute(db: Database, provider: Person, client: Person, *, channel: str = "C0SHARED",
                     items: int = 1, thread_ts: str | None = None,
                     before_agreement: Callable[[Session, Dispute], None] | None = None) -> int:
    """An agreed dispute with a ratified agreement and its check-ins; returns the dispute id.
    `before_agreement` runs in the same transaction, once the dispute is open."""
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=provider.team_id, channel_id=channel, title="Checkout screens",
            category="quality", description="d", desired_outcome="o",
            opener=Participant(provider), others=[Participant(client)]))
        disputes.attach_thread(s, d, thread_ts=thread_ts or f"1700000500.{d.id:06d}",
                               permalink=None, actor=provider)
        if before_agreement is not None:
            before_agreement(s, d)
        a, _ = agreements.draft(s, d, d.parties[0], AgreementDraft(
            terms="Redo it.", items=[ItemDraft(f"Redo screen {i + 1}", provider,
                                               date.today() + timedelta(days=3)) for i in range(items)]),
            actor=provider, approvals_rule="one_per_side")
        for party in d.parties:
            agreements.approve(s, d, a, party, shown_hash=a.content_hash, actor=provider, tz="UTC")
        return d.id


STUDIO_VIEW = ("The designs changed twice after sign-off, and each change reset the build.",
               "Two weeks of unplanned work for two designers.",
               "Agree how changes are made from now on, and share the extra cost.",
               "We should have said the date was slipping the day we saw it.")
CLIENT_VIEW = ("The checkout screens arrived two weeks after the agreed date, with no warning.",
               "Our launch moved, and the campaign we had booked ran without a checkout.",
               "Redo the screens to the approved design at no charge.",
               "Our second round of changes came later than it should have.")


def whole_story(db: Database, provider: Person, client: Person, *, events: int = 0,
                said: str = "") -> int:
    """A dispute that went the whole way: both perspectives revealed, a proposal declined and a
    counter-proposal accepted, an agreement in effect, the client's confirmation, feedback and
    a lesson learned; then reminders until its trail holds `events` events. `said` is added to
    every text people typed. Returns the dispute id."""
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=provider.team_id, channel_id="C0SHARED", title=f"Checkout screens late{said}",
            category="quality", description=f"The screens came two weeks late{said}.",
            desired_outcome=f"Screens redone{said}", amount=Decimal("1200.00"), currency="EUR",
            opener=Participant(provider), others=[Participant(client)]))
        disputes.attach_thread(s, d, thread_ts=f"1700000600.{d.id:06d}", permalink=None,
                               actor=provider)
        mine, theirs = d.parties[0], d.parties[1]
        for party, who, view in ((mine, provider, STUDIO_VIEW), (theirs, client, CLIENT_VIEW)):
            saw, cost, wants, owns = view
            perspectives.share(s, d, party, PerspectiveText(
                saw + said, cost + said, wants + said, acknowledgement=owns + said),
                seal=True, actor=who)
        soon = date.today() + timedelta(days=3)
        first = proposals.propose(s, d, mine, ProposalDraft(
            f"A discount{said}", f"Ten percent off{said}", "discount", Decimal("120.00"), "EUR"),
            actor=provider).proposal
        proposals.answer(s, d, first, theirs, accept=False, actor=client, reason=f"Too little{said}")
        second = proposals.propose(s, d, theirs, ProposalDraft(
            f"Redo the screens{said}", f"Both screens to the design{said}", "redo",
            items=[ItemDraft(f"Redo screen 1{said}", provider, soon)]), actor=client).proposal
        proposals.answer(s, d, second, mine, accept=True, actor=provider)
        a, _ = agreements.draft(s, d, mine, AgreementDraft(
            terms=f"The studio redoes both screens{said}.",
            items=[ItemDraft(f"Redo screen 1{said}", provider, soon)]),
            actor=provider, approvals_rule="one_per_side")
        for party, who in ((mine, provider), (theirs, client)):
            agreements.approve(s, d, a, party, shown_hash=a.content_hash, actor=who, tz="UTC")
        aftercare.confirm_resolved(s, d, theirs, actor=client)
        aftercare.record_feedback(s, d, theirs, 4, f"Fair in the end{said}", actor=client)
        lessons.record(s, d, actor=provider, is_admin=False, org="Studio", root_cause="process", what=f"Check dates weekly{said}",
                       owner=provider)
        s.flush()
        count = audit_events(s, d)
        for _ in range(events - count):
            audit.record(s, team_id=d.team_id, dispute_id=d.id, kind="dispute.nudged", actor=None,
                         stage="agreement")
        return d.id


def audit_events(session: Session, dispute: Dispute) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.dispute_id == dispute.id))


def make_checkins_due(db: Database, dispute_id: int | None = None, minutes_ago: int = 5) -> int:
    with db.transaction() as s:
        query = select(CheckIn)
        if dispute_id is not None:
            query = query.where(CheckIn.dispute_id == dispute_id)
        rows = s.scalars(query).all()
        for row in rows:
            row.due_at = utcnow() - timedelta(minutes=minutes_ago)
        return len(rows)
