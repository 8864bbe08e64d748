"""Deleting everything Parley holds for one workspace, when one of its admins asks.

What goes: the workspace's disputes (with everything in them: parties, perspectives, proposals,
agreements and approvals, check-ins, feedback, lessons learned, evidence and Parley's copies of
it, unless another dispute holds the same bytes), its settings and calendar (and what Slack
said of its people's time zone and locale), the channels where
it is the provider, the messages it still owed, and its audit trail. What stays: disputes that
another organization holds in a shared channel (they are that organization's record too, and
this workspace's people remain parties to them), and one audit line saying that the data was
deleted, by whom and when; the workspace's dispute counter (no reference is used twice); what
Parley already posted in Slack (Slack keeps it). Each open dispute's thread is told that its
record was deleted. Parley stays installed; uninstalling it from Slack deletes its tokens."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from bot.services import audit, outbox
from bot.services.disputes import ACTIVE_STATUSES
from bot.services.message_kinds import MessageKind
from bot.services.people import Person
from bot.store import EvidenceStore
from bot.store.database import DatabaseStore
from models import (
    Agreement,
    AuditEvent,
    ChannelProvider,
    Dispute,
    EvidenceItem,
    OrgCalendar,
    OutboxMessage,
    Party,
    Policy,
    Proposal,
    SlackDefaults,
)


@dataclass(frozen=True)
class Holdings:
    disputes: int
    settings: int
    channels: int
    others: int  # disputes other organizations hold in which this workspace's people take part
    # Evidence copies in a store outside the database, to delete after the commit (erase()).
    copies: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.disputes or self.settings or self.channels)


def holdings(session: Session, team_id: str) -> Holdings:
    def count(query: Select[Any]) -> int:
        return session.scalar(query) or 0

    return Holdings(
        disputes=count(select(func.count()).select_from(Dispute).where(Dispute.team_id == team_id)),
        settings=count(select(func.count()).select_from(Policy).where(Policy.team_id == team_id))
        + count(select(func.count()).select_from(OrgCalendar).where(OrgCalendar.team_id == team_id)),
        channels=count(
            select(func.count()).select_from(ChannelProvider).where(ChannelProvider.team_id == team_id)
        ),
        others=count(
            select(func.count(func.distinct(Party.dispute_id)))
            .join(Dispute, Dispute.id == Party.dispute_id)
            .where(Party.team_id == team_id, Dispute.team_id != team_id)
        ),
    )


def erase(session: Session, team_id: str, *, by: Person, store: EvidenceStore | None = None) -> Holdings:
    """Delete the workspace's data (see the module docstring); returns what there was. `store`
    keeps the evidence's copies (default: the database); copies outside the database are
    returned in `copies`, for the caller to delete once this has committed (store.delete keeps
    any another dispute still holds)."""
    before = holdings(session, team_id)
    copies = set(
        session.scalars(
            select(EvidenceItem.stored_ref)
            .join(Dispute, Dispute.id == EvidenceItem.dispute_id)
            .where(Dispute.team_id == team_id, EvidenceItem.stored_ref.is_not(None))
        )
    )
    open_threads = session.execute(
        select(Dispute.channel_id, Dispute.thread_ts, Dispute.number).where(
            Dispute.team_id == team_id,
            Dispute.thread_ts.is_not(None),
            Dispute.status.in_([s.value for s in ACTIVE_STATUSES]),
        )
    ).all()
    # The database deletes what hangs off a dispute with it (ON DELETE CASCADE); but agreements
    # and proposals name the parties who drafted, approved or decided them without a cascade,
    # and PostgreSQL checks those references as the parties go: they go first.
    theirs = select(Dispute.id).where(Dispute.team_id == team_id)
    session.execute(delete(OutboxMessage).where(OutboxMessage.team_id == team_id))
    session.execute(delete(Agreement).where(Agreement.dispute_id.in_(theirs)))
    session.execute(delete(Proposal).where(Proposal.dispute_id.in_(theirs)))
    session.execute(delete(Dispute).where(Dispute.team_id == team_id))
    session.execute(delete(Policy).where(Policy.team_id == team_id))
    session.execute(delete(OrgCalendar).where(OrgCalendar.team_id == team_id))  # its calendar …
    session.execute(delete(SlackDefaults).where(SlackDefaults.team_id == team_id))  # … and Slack's
    session.execute(delete(ChannelProvider).where(ChannelProvider.team_id == team_id))
    session.execute(delete(AuditEvent).where(AuditEvent.team_id == team_id))
    session.flush()
    store = store or DatabaseStore()
    outside: tuple[str, ...] = ()
    if store.kind == "database":  # each, unless another dispute holds the same bytes
        for ref in sorted(r for r in copies if r):
            store.delete(session, ref)
    else:  # a directory or a bucket does not roll back: the caller deletes after the commit
        outside = tuple(sorted(r for r in copies if r))
    # The workspace's row stays: its dispute counter (a new D-1 would be confused with the old
    # thread still in Slack) and its Grid organization are no one's personal data.
    session.expire_all()
    audit.record(
        session,
        team_id=team_id,
        kind="workspace.erased",
        actor=by,
        disputes=before.disputes,
        settings=before.settings,
        channels=before.channels,
    )
    for channel_id, thread_ts, number in open_threads:  # both sides see the buttons stop
        outbox.say_outside(
            session,
            team_id,
            channel_id,
            MessageKind.DISPUTE_ERASED,
            thread_ts=thread_ts,
            reference=f"D-{number}",
        )
    return replace(before, copies=outside)
