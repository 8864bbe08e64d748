"""Delivering outbox rows: right after the commit that wrote them (in the request's own worker
thread), and on the scheduler's clock for everything left over (Slack down, a process killed).

Per row: claim it (bot/services/outbox.py) → render it from the database in a read session →
(if an earlier attempt may have posted it) look for it by its metadata → wait for the channel's
turn → call Slack with no transaction open → record the outcome in one short transaction, with
what the message's ts means for the domain (the card's ts is the dispute's thread)."""

from __future__ import annotations

import heapq
import logging
import os
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Upload
from bot.delivery.followup_kinds import FOLLOWUP_KINDS
from bot.delivery.pacer import ChannelPacer
from bot.delivery.sender import Outcome, Sender, backoff, classify_refusal
from bot.delivery.thread_kinds import THREAD_KINDS
from bot.services import outbox
from bot.slack.directory import Directory, NotCached
from models import Dispute, OutboxMessage, utcnow

log = logging.getLogger("parley.delivery")

KINDS: dict[str, Kind] = {**THREAD_KINDS, **FOLLOWUP_KINDS}


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


def prefetch(session: Session, rows: list[OutboxMessage], *, to_render: bool = True) -> None:
    """Load what a round's rows need in a few queries (their disputes, and what each kind asks
    for), so a thousand rows do not query a thousand times. The session's identity map holds
    objects weakly: what is loaded is kept alive on the session meanwhile."""
    keep = session.info.setdefault("prefetched", [])
    keep += rows
    ids = {r.dispute_id for r in rows if r.dispute_id is not None}
    if ids and to_render:
        keep += session.scalars(select(Dispute).where(Dispute.id.in_(ids))).all()
    by_kind: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    for name, same in by_kind.items():
        kind = KINDS.get(name)
        if kind is not None and kind.prefetch is not None:
            keep += kind.prefetch(session, same, to_render)
PROBE_EVERY = 1.0  # while rows wait out an outage, try one this often to see whether Slack is back
# A request's own thread waits at most this long for a busy channel's turn; after that the tick's
# delivery threads take over, so a busy channel never ties up the threads that handle requests.
REQUEST_WAIT = 0.3
# In a tick's round, a row whose channel's turn is further away than this (a 429's Retry-After) is
# put back for a later round rather than waited for: a round never outlives its claims.
ROUND_WAIT = 10.0
# A tick's round takes up to this many messages per channel (updates in place between them ride
# along): a few seconds of one channel's pace, about the same for every busy channel.
ROUND_PER_CHANNEL = 8
FLUSH_EVERY = 2.0  # after a success, look for rows parked by an outage at most this often


class Deliverer:
    def __init__(self, db: Database, sender: Sender, names: Directory, pacer: ChannelPacer, *,
                 workers: int = 16, batch: int = outbox.BATCH) -> None:
        self.db = db
        self.sender = sender
        self.names = names
        self.pacer = pacer
        self.workers = workers
        self.batch = batch
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.request_wait = REQUEST_WAIT
        self._last_probe = 0.0
        self._last_flush = 0.0

    # ----- right after a commit -------------------------------------------------------------
    def claim_new(self, session: Session, rows: list[OutboxMessage]) -> Prepared | None:
        """Before the commit (Database hook): claim the transaction's own rows for this thread,
        and render the first of them ahead (see `_render_ahead`)."""
        mine = outbox.claim_new(session, self.worker_id, rows)
        return self._render_ahead(session, mine[0]) if mine else None

    def _render_ahead(self, session: Session, row: OutboxMessage) -> Prepared | None:
        """The first message, rendered inside the transaction that wrote it, from the objects that
        transaction already holds, with names from the directory's cache only (no Slack call
        here): it goes to Slack right after the commit, without a read of its own. None when it
        cannot (a name not known yet): it is then rendered after the commit, as the rest are."""
        session.flush()  # its id goes into the message's metadata
        try:
            return self._prepare(session, row, self.names.cached())
        except NotCached:
            return None
        except Exception:  # noqa: BLE001 - rendered again after the commit, where it is handled
            log.debug("rendering delivery %s ahead failed; rendering it after the commit", row.id,
                      exc_info=True)
            return None

    def deliver_now(self, rows: Iterable[OutboxMessage], ahead: Prepared | None = None) -> None:
        """Deliver what a transaction just saved, in order (`ahead`: its first row, already
        rendered); whatever cannot go now stays for the tick. Never raises: what people did is
        committed whatever Slack says."""
        rows = list(rows)
        disputes = list(dict.fromkeys(r.dispute_id for r in rows if r.dispute_id is not None))
        loose = [r.id for r in rows if r.dispute_id is None]
        try:
            claimed = [r.id for r in rows if r.claimed_by == self.worker_id]
            if self._deliver_in_order(claimed, ahead):
                for dispute_id in disputes:
                    self._drain(dispute_ids=[dispute_id])
                if loose:
                    self._drain(row_ids=loose)
        except Exception:  # noqa: BLE001 - the rows are saved; the tick delivers them
            log.exception("immediate delivery failed; the scheduler will deliver")

    def _drain(self, **which: list[int]) -> None:
        """Claim and deliver until nothing of these is left (rows another request added while
        this one delivered included: whoever delivers a dispute's messages claims again after)."""
        while True:
            with self.db.read() as session:  # usually nothing: then no write at all
                if not outbox.anything_due(session, **which):
                    return
            with self.db.transaction(deliver=False) as session:
                ids = outbox.claim(session, self.worker_id, **which)
            if not ids or not self._deliver_in_order(ids):
                return

    def _deliver_in_order(self, ids: list[int], ahead: Prepared | None = None) -> bool:
        """Deliver claimed rows one after the other; on the first that cannot go now, put the
        rest back (order) and say so. Rows whose delivery changes nothing else in the database
        (an update, a reply) are marked together, with the next row recorded or at the end: one
        write instead of one per message (they stay claimed meanwhile)."""
        delivered: list[tuple[Prepared, Outcome]] = []
        done = 0
        while done < len(ids):
            # The first message alone, so people see it as soon as possible; then the rest.
            if done == 0 and ahead is not None and ahead.row_id == ids[0]:
                run = [ahead]
            else:
                run = self._prepare_run(ids[done:done + 1] if done == 0 else ids[done:])
            for item in run:
                done += 1
                outcome = item.outcome or self._call(item, self.request_wait)
                if not self._finish(item, outcome, delivered).final:
                    with self.db.transaction(deliver=False) as session:
                        outbox.put_back(session, self.worker_id, ids[done:])
                    return False
        if delivered:
            with self.db.transaction() as session:
                self._record_many_in(session, delivered)
        return True

    def _prepare_run(self, ids: list[int]) -> list[Prepared]:
        """Render the next rows of a run in one read: up to and including the first whose
        delivery changes what later ones render from (a card's ts is its thread)."""
        prepared = []
        with self.db.read() as session:
            for row_id in ids:
                row = session.get(OutboxMessage, row_id)
                if row is None:
                    prepared.append(Prepared(row_id, "", None, None, 0, False, utcnow(),
                                             Outcome("skipped", error="gone")))
                    continue
                prepared.append(self._prepare(session, row))
                if prepared[-1].kind is not None and prepared[-1].kind.after is not None:
                    break
        return prepared

    # ----- the scheduler's task ---------------------------------------------------------------
    def __call__(self) -> int:
        """Deliver everything that is due, in rounds of at most ROUND_PER_CHANNEL messages per
        channel (so a round is never held up long by one channel's pace); returns how many were
        delivered."""
        delivered = 0
        while True:
            with self.db.read() as session:
                due = outbox.anything_due(session)
            if not due:
                return delivered + self._probe()
            with self.db.transaction(deliver=False) as session:
                ids = outbox.claim(session, self.worker_id, limit=self.batch,
                                   per_channel=ROUND_PER_CHANNEL)
            if not ids:
                return delivered
            delivered += self.deliver_many(ids)

    def _probe(self) -> int:
        """Rows are parked because Slack looked down: try the oldest one, now and then."""
        if time.monotonic() - self._last_probe < PROBE_EVERY:
            return 0
        with self.db.read() as session:
            if not outbox.parked(session):
                return 0
        self._last_probe = time.monotonic()
        with self.db.transaction(deliver=False) as session:
            ids = outbox.claim(session, self.worker_id, limit=1, parked_too=True)
        return self.deliver_many(ids)

    def deliver_many(self, ids: list[int]) -> int:
        """Deliver claimed rows (a round of the tick): rendered together in one read, posted by a
        pool of threads, and recorded together in one transaction. Each dispute's run is a lane,
        delivered in order by one thread at a time; a thread takes the lane whose channel's turn
        comes soonest (a thousand channels go in parallel, none faster than its pace). A lane
        stops at a row whose delivery changes what later ones render from (a card's ts is its
        thread), and at a row that cannot go now: the rest of it is put back for the next round.
        Returns how many were sent."""
        lanes: dict[object, deque[Prepared]] = defaultdict(deque)
        results: list[tuple[Prepared, Outcome]] = []
        untried: list[int] = []
        with self.db.read() as session:
            rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                        .order_by(OutboxMessage.id)))
            prefetch(session, rows)
            for row in rows:
                lane = lanes[row.dispute_id or ("row", row.id)]
                if lane and lane[-1].kind is not None and lane[-1].kind.after is not None:
                    untried.append(row.id)  # renders from what the lane's last row will record
                    continue
                lane.append(self._prepare(session, row))
        ready = [(self._ready_at(lane[0]), n, lane) for n, lane in enumerate(lanes.values())]
        heapq.heapify(ready)
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not ready:
                        return
                    ready_at, n, lane = heapq.heappop(ready)
                    item = lane.popleft()
                wait = ready_at - time.monotonic()
                if wait > 0:
                    time.sleep(min(wait, ROUND_WAIT))
                outcome = item.outcome or self._call(item, ROUND_WAIT)
                with lock:
                    results.append((item, outcome))
                    if not outcome.final:
                        untried.extend(rest.row_id for rest in lane)
                    elif lane:
                        heapq.heappush(ready, (self._ready_at(lane[0]), n, lane))

        threads = [threading.Thread(target=work, name=f"delivery-{n}", daemon=True)
                   for n in range(min(self.workers, len(lanes)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with self.db.transaction() as session:
            prefetch(session, outbox.lock(session, [item.row_id for item, _ in results]),
                     to_render=False)
            for item, outcome in results:
                self._record_in(session, item, outcome, locked=True)
            outbox.put_back(session, self.worker_id, untried)
        sent = sum(1 for _, outcome in results if outcome.status == "sent")
        if sent:
            self._slack_is_back()
        return sent

    # ----- one row --------------------------------------------------------------------------
    def deliver(self, row_id: int, *, max_wait: float | None = None,
                delivered: list[tuple[Prepared, Outcome]] | None = None) -> Outcome:
        """Deliver one claimed row and record what happened. With `max_wait`, a post whose
        channel's turn is further away than that is left for the tick ("deferred"). With
        `delivered`, a sent row that changes nothing else is added there to be recorded with the
        next row, or at the end of its run."""
        with self.db.read() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return Outcome("skipped", error="gone")
            item = self._prepare(session, row)
        return self._finish(item, item.outcome or self._call(item, max_wait), delivered)

    def _finish(self, item: Prepared, outcome: Outcome,
                delivered: list[tuple[Prepared, Outcome]] | None) -> Outcome:
        if (delivered is not None and outcome.status == "sent" and item.kind is not None
                and item.kind.after is None):
            delivered.append((item, outcome))
            self._slack_is_back()
            return outcome
        with self.db.transaction() as session:
            self._record_many_in(session, delivered or [])
            self._record_in(session, item, outcome)
        if outcome.status == "sent":
            self._slack_is_back()
        return outcome

    def _prepare(self, session: Session, row: OutboxMessage,
                 names: Directory | None = None) -> Prepared:
        """Render a row from the database (in a read session), or say why it is not needed."""
        kind = KINDS.get(row.kind)
        dispute = session.get(Dispute, row.dispute_id) if row.dispute_id else None
        item = Prepared(row.id, row.channel_id, kind, None, row.attempts, row.uncertain,
                        row.created_at)
        try:
            if kind is None:
                raise Skip(f"unknown kind {row.kind}")
            item.call = kind.render(Ctx(session, row, dispute, names or self.names))
        except Skip as skip:
            item.outcome = Outcome("skipped", error=skip.reason)
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
        wait for the channel's turn (or, past `max_wait`, leave it for the tick)."""
        call, channel, row_id, attempts = item.call, item.channel, item.row_id, item.attempts
        created = item.created
        if item.uncertain:
            try:
                found = self.sender.find_posted(call, channel, row_id, created)  # type: ignore[arg-type]
            except SlackApiError as error:
                lookup = classify_refusal(error, attempts)
                if lookup.status == "retry":  # Slack cannot say now: ask again later
                    return Outcome("retry", error=f"lookup: {lookup.error}", delay=lookup.delay,
                                   uncertain=True, outage=lookup.outage)
                log.warning("cannot look for delivery %s in Slack (%s); posting it", row_id,
                            lookup.error)
                found = None
            except Exception as error:  # noqa: BLE001 - cannot look: try again later
                return Outcome("retry", error=f"lookup: {type(error).__name__}",
                               delay=backoff(attempts + 1), uncertain=True, outage=True)
            if found:
                log.info("delivery %s was already in Slack (%s); not posting it again", row_id, found)
                return Outcome("sent", Delivered(ts=found))
        target = self._paced_in(item)
        if target is not None:
            if max_wait is not None and self.pacer.ready_at(target) - time.monotonic() > max_wait:
                return Outcome("deferred", error="the channel's turn is later")
            self.pacer.wait_turn(target)
        outcome = self.sender.send(call, channel, row_id, attempts)  # type: ignore[arg-type]
        if outcome.error == "ratelimited":
            self.pacer.hold(channel, outcome.delay)
        return outcome

    def _record_many_in(self, session: Session, delivered: list[tuple[Prepared, Outcome]]) -> None:
        for item, outcome in delivered:
            self._record_in(session, item, outcome)
        delivered.clear()

    def _record_in(self, session: Session, item: Prepared, outcome: Outcome, *,
                   locked: bool = False) -> None:
        """Record what happened to a row, with what it means for the domain (its kind's hooks).
        `locked`: the caller has locked the rows already (a round, recorded at once)."""
        row_id, kind = item.row_id, item.kind
        if outcome.status == "deferred":
            outbox.put_back(session, self.worker_id, [row_id])
        elif outcome.status == "sent":
            row = outbox.sent(session, self.worker_id, row_id,
                              outcome.delivered.ts if outcome.delivered else None, locked=locked)
            if row is not None and kind is not None and kind.after is not None:
                kind.after(session, row, outcome.delivered or Delivered())
        elif outcome.status == "skipped":
            outbox.skipped(session, self.worker_id, row_id, outcome.error, locked=locked)
            row = session.get(OutboxMessage, row_id)
            if row is not None and kind is not None and kind.skipped is not None:
                kind.skipped(session, row, outcome.error)
        elif outcome.status == "failed":
            row = outbox.failed(session, self.worker_id, row_id, outcome.error, locked=locked)
            if row is not None and kind is not None and kind.failed is not None:
                kind.failed(session, row, outcome.error)
        else:
            result = outbox.retry(session, self.worker_id, row_id, outcome.error,
                                  delay=timedelta(seconds=outcome.delay),
                                  uncertain=outcome.uncertain, outage=outcome.outage,
                                  locked=locked)
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
