"""One outbox row's delivery, as the request path and the tick's rounds share it: render it
from the database in a read session (each kind says how: thread_kinds.py, followup_kinds.py),
look for it in Slack first if an earlier attempt may have posted it, wait for its channel's turn,
call Slack with no transaction open, and record the outcome with what it means for the domain
(the card's ts is the dispute's thread)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db import Database
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Upload
from bot.delivery.followup_kinds import FOLLOWUP_KINDS
from bot.delivery.pacer import ChannelPacer
from bot.delivery.record_kinds import RECORD_KINDS
from bot.delivery.sender import Outcome, OutcomeStatus, Sender, backoff, classify_refusal
from bot.delivery.thread_kinds import THREAD_KINDS
from bot.services import outbox
from bot.services.message_kinds import MessageKind
from bot.slack import tokens
from bot.slack.directory import Directory
from models import Dispute, OutboxMessage, utcnow

log = logging.getLogger("parley.delivery")

KINDS: dict[str, Kind] = {**THREAD_KINDS, **RECORD_KINDS, **FOLLOWUP_KINDS}
# A stored row of a kind this release cannot render (a newer release wrote it, and this one
# still runs): kept, and tried again this much later, by which time the newer release may have it.
UNKNOWN_KIND_DELAY = 600.0


def check_kinds() -> None:
    """Every message kind has a renderer, and every renderer a kind: at start-up (build_deliverer)
    and in a test, never when a message is first due."""
    known = {kind.value for kind in MessageKind}
    missing, strays = sorted(known - set(KINDS)), sorted(set(KINDS) - known)
    if missing or strays:
        raise RuntimeError(f"message kinds without a renderer: {missing}; renderers of no kind: {strays}")


# Slack's answers to a token that no longer works; in multi-workspace mode the row is tried
# again (a few times) with whatever token the store then has, or another organization's.
TOKEN_GONE = frozenset({"token_revoked", "invalid_auth", "account_inactive", "token_expired", "not_authed"})
TOKEN_RETRIES = 3


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


def prefetch(session: Session, rows: list[OutboxMessage], *, to_render: bool = True) -> None:
    """Load what a round's rows need in a few queries (their disputes, and what each kind asks
    for), so a thousand rows do not query a thousand times. The session's identity map holds
    objects weakly: what is loaded is kept alive on the session meanwhile."""
    keep = session.info.setdefault("prefetched", [])
    keep += rows
    ids = {r.dispute_id for r in rows if r.dispute_id is not None}
    if ids and to_render:
        keep += session.scalars(
            select(Dispute).where(Dispute.id.in_(ids)).options(selectinload(Dispute.parties))
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


def unexpected(item: Prepared, error: Exception) -> Outcome:
    """A delivery that raised what no rule expects (a bug): tried again later, and looked up in
    Slack first, since it may have been posted."""
    return Outcome(
        OutcomeStatus.RETRY,
        error=f"unexpected: {type(error).__name__}",
        delay=backoff(item.attempts + 1),
        uncertain=True,
    )


FLUSH_EVERY = 2.0  # after a success, look for rows parked by an outage at most this often


class RowDelivery:
    """Rendering, sending and recording single rows (the parts the request path and the rounds
    share)."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        names: Directory,
        pacer: ChannelPacer,
        *,
        workers: int = 16,
        batch: int = outbox.BATCH,
    ) -> None:
        self.db = db
        self.sender = sender
        self.names = names
        self.pacer = pacer
        self.workers = workers
        self.batch = batch
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._last_flush = 0.0
        self._last_probe = 0.0
        # Multi-workspace mode: a workspace's bot token (bot/slack/installs.py's TokenBook);
        # in single-workspace mode the client has its own and this gives None.
        self.token_for: Callable[[str], str | None] = lambda team: None
        self.forget_token: Callable[[str], None] = lambda team: None
        self.tokens: Any = None  # the TokenBook behind both, in multi-workspace mode

    def _prepare(self, session: Session, row: OutboxMessage, names: Directory | None = None) -> Prepared:
        """Render a row from the database (in a read session), or say why it is not needed."""
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
            # Names it may look up: with the workspace's token, found only if a lookup is made
            # (never while a transaction renders a message ahead: names come from the cache).
            with tokens.acting_as(lambda: self._token(item.teams)[1]):
                item.call = kind.render(Ctx(session, row, dispute, names or self.names))
        except Skip as skip:
            item.outcome = Outcome(OutcomeStatus.SKIPPED, error=skip.reason)
        except tokens.NotInstalled as gone:  # the workspace removed Parley: nothing to send
            item.outcome = Outcome(OutcomeStatus.SKIPPED, error=str(gone))
        return item

    @staticmethod
    def _paced_in(item: Prepared) -> str | None:
        """The channel whose pace a row's call keeps (a post or a file), or None (an update)."""
        call = item.call
        if isinstance(call, Post):
            return call.channel or item.channel
        return item.channel if isinstance(call, Upload) else None

    def _ready_at(self, item: Prepared) -> float:
        channel = self._paced_in(item)
        return self.pacer.ready_at(channel) if channel else time.monotonic()

    def _call(self, item: Prepared, max_wait: float | None) -> Outcome:
        """Call Slack for a prepared row: look first if an earlier attempt may have posted it,
        wait for the channel's turn (or, past `max_wait`, leave it for the tick). With the token
        of the row's workspace, in multi-workspace mode."""
        try:
            team, token = self._token(item.teams)
        except tokens.NotInstalled as gone:  # the workspace removed Parley: nothing to send
            return Outcome(OutcomeStatus.SKIPPED, error=str(gone))
        with tokens.acting_as(token):
            outcome = self._call_as(item, max_wait)
        if token and outcome.status == OutcomeStatus.FAILED and outcome.error in TOKEN_GONE:
            # Revoked since it was looked up (another process heard of it first): look again,
            # and send with another organization's installation if this one is gone.
            self.forget_token(team)
            if item.attempts < TOKEN_RETRIES:
                return Outcome(OutcomeStatus.RETRY, error=outcome.error, delay=backoff(item.attempts + 1))
        return outcome

    def _token(self, teams: tuple[str, ...]) -> tuple[str, str | None]:
        """The first of `teams` with Parley installed, and its token (None in single-workspace
        mode, or when it cannot be found just now); NotInstalled when none has it."""
        gone: tokens.NotInstalled | None = None
        for team in teams:
            try:
                return team, self.token_for(team)
            except tokens.NotInstalled as error:
                gone = gone or error
        raise gone or tokens.NotInstalled("no workspace to send it with")

    def _call_as(self, item: Prepared, max_wait: float | None) -> Outcome:
        call, channel, row_id, attempts = item.call, item.channel, item.row_id, item.attempts
        created = item.created
        if call is None or channel is None:  # (only a row with its outcome already has neither)
            return item.outcome or Outcome(OutcomeStatus.SKIPPED, error="nothing to send")
        if item.uncertain:
            try:
                found = self.sender.find_posted(call, channel, row_id, created)
            except SlackApiError as error:
                lookup = classify_refusal(error, attempts)
                if lookup.status == OutcomeStatus.RETRY:  # Slack cannot say now: ask again later
                    return Outcome(
                        OutcomeStatus.RETRY,
                        error=f"lookup: {lookup.error}",
                        delay=lookup.delay,
                        uncertain=True,
                        outage=lookup.outage,
                    )
                log.warning("cannot look for delivery %s in Slack (%s); posting it", row_id, lookup.error)
                found = None
            except Exception as error:  # noqa: BLE001 - cannot look: try again later
                return Outcome(
                    OutcomeStatus.RETRY,
                    error=f"lookup: {type(error).__name__}",
                    delay=backoff(attempts + 1),
                    uncertain=True,
                    outage=True,
                )
            if found:
                log.info("delivery %s was already in Slack (%s); not posting it again", row_id, found)
                return Outcome(OutcomeStatus.SENT, Delivered(ts=found))
        target = self._paced_in(item)
        if target is not None:
            later = self.pacer.ready_at(target) - time.monotonic()
            if max_wait is not None and later > max_wait:
                return Outcome(OutcomeStatus.DEFERRED, error="the channel's turn is later", delay=later)
            self.pacer.wait_turn(target)
        outcome = self.sender.send(call, channel, row_id, attempts)
        if outcome.error == "ratelimited":
            self.pacer.hold(channel, outcome.delay)
        return outcome

    def _record_many_in(self, session: Session, delivered: list[tuple[Prepared, Outcome]]) -> None:
        for item, outcome in delivered:
            self._record_in(session, item, outcome)
        delivered.clear()

    def _record_in(self, session: Session, item: Prepared, outcome: Outcome, *, locked: bool = False) -> None:
        """Record what happened to a row, with what it means for the domain (its kind's hooks).
        `locked`: the caller has locked the rows already (a round, recorded at once)."""
        row_id, kind = item.row_id, item.kind
        if outcome.status == OutcomeStatus.DEFERRED:
            outbox.put_back(
                session,
                self.worker_id,
                [row_id],
                not_before=utcnow() + timedelta(seconds=outcome.delay) if outcome.delay else None,
            )
        elif outcome.status == OutcomeStatus.SENT:
            row = outbox.sent(
                session,
                self.worker_id,
                row_id,
                outcome.delivered.ts if outcome.delivered else None,
                locked=locked,
            )
            if row is not None and kind is not None and kind.after is not None:
                kind.after(session, row, outcome.delivered or Delivered())
        elif outcome.status == OutcomeStatus.SKIPPED:
            outbox.skipped(session, self.worker_id, row_id, outcome.error, locked=locked)
            row = session.get(OutboxMessage, row_id)
            if row is not None and kind is not None and kind.skipped is not None:
                kind.skipped(session, row, outcome.error)
        elif outcome.status == OutcomeStatus.FAILED:
            row = outbox.failed(session, self.worker_id, row_id, outcome.error, locked=locked)
            if row is not None and kind is not None and kind.failed is not None:
                kind.failed(session, row, outcome.error)
        else:
            if outcome.outage:  # as good as a probe: the next one waits its time (rounds.py)
                self._last_probe = time.monotonic()
            result = outbox.retry(
                session,
                self.worker_id,
                row_id,
                outcome.error,
                delay=timedelta(seconds=outcome.delay),
                uncertain=outcome.uncertain,
                outage=outcome.outage,
                locked=locked,
            )
            row = session.get(OutboxMessage, row_id)
            if result == "failed" and row is not None and kind is not None and kind.failed:
                kind.failed(session, row, outcome.error)

    def _slack_is_back(self) -> None:
        if time.monotonic() - self._last_flush < FLUSH_EVERY:
            return
        self._last_flush = time.monotonic()
        with self.db.read() as session:
            if not outbox.parked(session):
                return
        with self.db.transaction() as session:
            count = outbox.slack_is_back(session)
        if count:
            log.info("Slack answers again: %d waiting messages are due now", count)
