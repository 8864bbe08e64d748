"""Rendering outbox rows: each row, read from the database in a read session, becomes the Slack
call it owes (each kind says how: thread_kinds.py, record_kinds.py, followup_kinds.py), or the
reason it is not needed any more. Nothing here calls Slack except to look up a name."""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import i18n
from bot.db import Database, one_of
from bot.delivery.calls import Call, Ctx, Kind, Skip
from bot.delivery.evidence_kinds import EVIDENCE_KINDS
from bot.delivery.followup_kinds import FOLLOWUP_KINDS
from bot.delivery.record_kinds import RECORD_KINDS
from bot.delivery.sender import Outcome, OutcomeStatus, backoff
from bot.delivery.settlement_kinds import SETTLEMENT_KINDS
from bot.delivery.teams import Installations, first_installed
from bot.delivery.thread_kinds import THREAD_KINDS
from bot.services import languages
from bot.services.message_kinds import MessageKind
from bot.services.message_params import PARAMS
from bot.slack import tokens
from bot.slack.directory import Directory
from models import Dispute, OutboxMessage, utcnow

log = logging.getLogger("parley.delivery")

KINDS: dict[str, Kind] = {
    **THREAD_KINDS,
    **EVIDENCE_KINDS,
    **SETTLEMENT_KINDS,
    **RECORD_KINDS,
    **FOLLOWUP_KINDS,
}
# A stored row of a kind this release cannot render (a newer release wrote it, and this one
# still runs): kept, and tried again this much later, by which time the newer release may have it.
UNKNOWN_KIND_DELAY = 600.0


def check_kinds() -> None:
    """Every message kind has a renderer and a model of its parameters, and every renderer a
    kind: at start-up (build_deliverer) and in a test, never when a message is first due."""
    known = {kind.value for kind in MessageKind}
    missing, strays = sorted(known - set(KINDS)), sorted(set(KINDS) - known)
    if missing or strays:
        raise RuntimeError(f"message kinds without a renderer: {missing}; renderers of no kind: {strays}")
    unchecked = sorted(known - {kind.value for kind in PARAMS})
    if unchecked:
        raise RuntimeError(f"message kinds without a model of their parameters: {unchecked}")


@dataclass
class Prepared:
    """A row rendered and ready to send (`call`), or already settled (`outcome`: not needed)."""

    row_id: int
    channel: str
    kind: Kind | None
    call: Call | None
    attempts: int
    uncertain: bool
    created: datetime
    outcome: Outcome | None = None
    # Multi-workspace mode: the workspaces whose installations may send it, in order: the row's
    # own, then (for a dispute's own channel) the other organizations of the dispute, for when
    # the first has removed Parley.
    teams: tuple[str, ...] = ()

    @property
    def changes_what_follows(self) -> bool:
        """Its delivery changes what later rows of its dispute render from (a card's ts is its
        thread): they are rendered after it is recorded."""
        return self.kind is not None and self.kind.after is not None


def prefetch(session: Session, rows: list[OutboxMessage], *, to_render: bool = True) -> None:
    """Load what a round's rows need in a few queries (their disputes, and what each kind asks
    for), so a thousand rows do not query a thousand times. The session's identity map holds
    objects weakly: what is loaded is kept alive on the session meanwhile."""
    keep = session.info.setdefault("prefetched", [])
    keep += rows
    ids = {r.dispute_id for r in rows if r.dispute_id is not None}
    if ids and to_render:
        keep += session.scalars(
            select(Dispute).where(one_of(session, Dispute.id, ids)).options(selectinload(Dispute.parties))
        ).all()
    by_kind: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    for name, same in by_kind.items():
        kind = KINDS.get(name)
        if kind is not None and kind.prefetch is not None:
            keep += kind.prefetch(session, same, to_render)


def senders(row: OutboxMessage, dispute: Dispute | None) -> tuple[str, ...]:
    """Whose installation may send a row: its workspace's (or, for a message to one side's own
    people, that side's: `send_as`); for a message in a dispute's own (shared) channel, then the
    dispute's other organizations', in the order they joined it. Nothing else (a DM, an internal
    channel) goes out with another organization's token."""
    own = (row.params or {}).get("send_as")
    teams = [own if isinstance(own, str) and own else row.team_id]
    if dispute is not None and row.channel_id == dispute.channel_id:
        teams += [p.team_id for p in sorted(dispute.parties, key=lambda p: p.id or 0) if p.team_id]
    return tuple(dict.fromkeys(teams))


class Renderer:
    """Renders claimed rows from the database, with names from the directory (looked up with the
    row's workspace's token, only when a name is not known yet)."""

    def __init__(self, db: Database, names: Directory, book: Installations) -> None:
        self.db = db
        self.names = names
        self.book = book

    def run(self, ids: list[int]) -> list[Prepared]:
        """The request path: the next rows of a dispute's run, in one read, up to and including
        the first whose delivery changes what later ones render from."""
        prepared = []
        with self.db.read() as session:
            for row_id in ids:
                row = session.get(OutboxMessage, row_id)
                if row is None:
                    prepared.append(self._gone(row_id))
                    continue
                prepared.append(self.prepare(session, row))
                if prepared[-1].changes_what_follows:
                    break
        return prepared

    def runs(self, ids: list[int], leave: Callable[[list[int]], None]) -> list[deque[Prepared]]:
        """The tick: claimed rows in one read, a run per dispute (and one per row of no dispute).
        A run ends at a row whose delivery changes what later ones render from; the rest of it is
        handed to `leave` (put back, to be claimed once that row is recorded)."""
        runs: dict[object, deque[Prepared]] = defaultdict(deque)
        with self.db.read() as session:
            rows = list(
                session.scalars(
                    select(OutboxMessage)
                    .where(one_of(session, OutboxMessage.id, ids))
                    .order_by(OutboxMessage.id)
                )
            )
            prefetch(session, rows)
            for row in rows:
                run = runs[row.dispute_id or ("row", row.id)]
                if run and run[-1].changes_what_follows:
                    leave([row.id])
                    continue
                try:
                    run.append(self.prepare(session, row))
                except Exception as error:
                    log.exception("rendering delivery %s failed; trying again later", row.id)
                    run.append(self._not_rendered(row, error))
        return list(runs.values())

    def prepare(self, session: Session, row: OutboxMessage) -> Prepared:
        """Render a row (in a read session), or say why it is not needed."""
        kind = KINDS.get(row.kind)
        dispute = session.get(Dispute, row.dispute_id) if row.dispute_id else None
        item = Prepared(
            row.id,
            row.channel_id,
            kind,
            None,
            row.attempts,
            row.uncertain,
            row.created_at,
            teams=senders(row, dispute),
        )
        if kind is None:
            log.warning(
                "outbox row %s is of kind %r, which this release of Parley does not know: kept, "
                "and tried again in %d s",
                row.id,
                row.kind,
                UNKNOWN_KIND_DELAY,
            )
            item.outcome = Outcome(
                OutcomeStatus.RETRY, error=f"unknown kind {row.kind}", delay=UNKNOWN_KIND_DELAY
            )
            return item
        try:
            # Names it may look up: with the workspace's token, found only if a lookup is made.
            with (
                tokens.acting_as(lambda: first_installed(self.book, item.teams)[1]),
                i18n.use(self.language(session, row)),
            ):
                item.call = kind.render(Ctx(session, row, dispute, self.names))
        except Skip as skip:
            item.outcome = Outcome(OutcomeStatus.SKIPPED, error=skip.reason)
        except tokens.NotInstalled as gone:  # the workspace removed Parley: nothing to send
            item.outcome = Outcome(OutcomeStatus.SKIPPED, error=str(gone))
        return item

    def language(self, session: Session, row: OutboxMessage) -> str:
        """A message to a person is in their language; one to a channel in the channel's."""
        if languages.is_person(row.channel_id):
            return self.names.language(row.channel_id)
        return languages.of_channel(session, row.team_id, row.channel_id)

    @staticmethod
    def _gone(row_id: int) -> Prepared:
        gone = Outcome(OutcomeStatus.SKIPPED, error="gone")
        return Prepared(row_id, "", None, None, 0, False, utcnow(), gone)

    @staticmethod
    def _not_rendered(row: OutboxMessage, error: Exception) -> Prepared:
        later = Outcome(
            OutcomeStatus.RETRY, error=f"render: {type(error).__name__}", delay=backoff(row.attempts + 1)
        )
        return Prepared(
            row.id, row.channel_id, KINDS.get(row.kind), None, row.attempts, False, row.created_at, later
        )
