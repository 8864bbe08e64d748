"""Disputes in a given state, made directly through the services (fast set-up for tests)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.db import Database
from bot.services import agreements, disputes
from bot.services.agreements import AgreementDraft
from bot.services.people import Participant, Person
from bot.services.proposals import ItemDraft
from models import CheckIn, utcnow


def ratified_dispute(db: Database, provider: Person, client: Person, *, channel: str = "C0SHARED",
                     items: int = 1, thread_ts: str | None = None) -> int:
    """An agreed dispute with a ratified agreement and its check-ins; returns the dispute id."""
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=provider.team_id, channel_id=channel, title="Checkout screens",
            category="quality", description="d", desired_outcome="o",
            opener=Participant(provider), others=[Participant(client)]))
        disputes.attach_thread(s, d, thread_ts=thread_ts or f"1700000500.{d.id:06d}",
                               permalink=None, actor=provider)
        a, _ = agreements.draft(s, d, d.parties[0], AgreementDraft(
            terms="Redo it.", items=[ItemDraft(f"Redo screen {i + 1}", provider,
                                               date.today() + timedelta(days=3)) for i in range(items)]),
            actor=provider, approvals_rule="one_per_side")
        for party in d.parties:
            agreements.approve(s, d, a, party, shown_hash=a.content_hash, actor=provider, tz="UTC")
        return d.id


def make_checkins_due(db: Database, dispute_id: int | None = None, minutes_ago: int = 5) -> int:
    with db.transaction() as s:
        query = select(CheckIn)
        if dispute_id is not None:
            query = query.where(CheckIn.dispute_id == dispute_id)
        rows = s.scalars(query).all()
        for row in rows:
            row.due_at = utcnow() - timedelta(minutes=minutes_ago)
        return len(rows)
