"""The scheduler's delivery: everything the request path could not deliver (Slack down, a
channel past its burst, a process killed), claimed from the outbox on any process.

One tick's delivery is a pipeline (lanes.py): delivery threads post each dispute's run in order,
while the tick's own thread claims and renders more as channels free up and records what was
delivered every fraction of a second, so no channel waits for another's round."""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

from sqlalchemy import select

from bot.delivery.lanes import Lanes
from bot.delivery.rows import KINDS, Prepared, RowDelivery, prefetch
from bot.delivery.sender import Outcome, OutcomeStatus, backoff
from bot.services import outbox
from models import OutboxMessage

log = logging.getLogger("parley.delivery")

PROBE_EVERY = 1.0  # while rows wait out an outage, try one this often to see whether Slack is back
# A row whose channel's turn is further away than this (a 429's Retry-After) is put back until
# then rather than waited for, so a claim is never held long by a channel Slack holds.
ROUND_WAIT = 10.0
# A claim takes up to this many messages per channel, counting those this worker holds already
# (updates in place between them ride along): a few seconds of one channel's pace.
ROUND_PER_CHANNEL = 8
RECORD_EVERY = 0.25  # seconds between records of what was delivered (or sooner, RECORD_BATCH)
RECORD_BATCH = 500
CLAIM_EVERY = 0.25  # at most this often, claim more while fewer than half a batch is outstanding
IDLE_CLAIM_EVERY = 1.0  # … or this often after a claim that found nothing
KEEP_CLAIMS_EVERY = outbox.CLAIM_TIMEOUT.total_seconds() / 4
FEED_FOR = 60.0  # a tick claims for at most this long, so the tick's other tasks run too

Claim = Callable[[int], list[int]]


class Rounds(RowDelivery):
    """The tick's part of the Deliverer (bot/delivery/deliverer.py)."""

    _stop_at = math.inf  # monotonic; see stop_by

    def stop_by(self, deadline: float) -> None:
        """Shutting down (bot/shutdown.py): claim nothing more after `deadline` (monotonic), and
        then put back what is queued here untried, for another process or the next start; rows
        already in Slack's hands are recorded first."""
        self._stop_at = deadline

    def __call__(self) -> int:
        """Deliver everything that is due (the scheduler's task); returns how many were sent."""
        sent = self._pipeline(self._claim_due)
        return sent if time.monotonic() >= self._stop_at else sent + self._probe()

    def _claim_due(self, limit: int) -> list[int]:
        with self.db.read() as session:  # usually nothing: then no write at all
            if not outbox.anything_due(session):
                return []
        with self.db.transaction(deliver=False) as session:
            return outbox.claim(session, self.worker_id, limit=limit, per_channel=ROUND_PER_CHANNEL)

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
        """Deliver rows already claimed (and whatever becomes due meanwhile is left to the tick)."""
        given = [ids]
        return self._pipeline(lambda limit: given.pop() if given else [])

    def _pipeline(self, claim: Claim) -> int:
        """Claim, deliver and record until nothing is left to claim and everything claimed is
        delivered or put back; returns how many were sent."""
        lanes = Lanes(
            self._ready_at,
            lambda item: self._call(item, ROUND_WAIT),
            threads=self.workers,
            patience=ROUND_WAIT,
        )
        sent, feed_until = 0, time.monotonic() + FEED_FOR
        next_claim = kept_at = time.monotonic()
        try:
            while True:
                sent += self._record_from(lanes)
                now = time.monotonic()
                if now >= self._stop_at:
                    lanes.abandon()  # time is up: the queue goes back, what is in flight ends
                outstanding = lanes.outstanding()
                if now - kept_at >= KEEP_CLAIMS_EVERY:
                    kept_at = now
                    self._keep_claims(lanes.claimed())
                if now < min(feed_until, self._stop_at) and (
                    outstanding == 0 or (outstanding < self.batch // 2 and now >= next_claim)
                ):
                    got = self._add_lanes(lanes, claim(self.batch - outstanding))
                    if not got and not outstanding:
                        break
                    # Nothing to take while rows are in flight (their disputes wait for them):
                    # ask again less often.
                    next_claim = now + (CLAIM_EVERY if got else IDLE_CLAIM_EVERY)
                elif not outstanding:
                    break
                lanes.wait(RECORD_EVERY, RECORD_BATCH)
        except BaseException:
            lanes.abandon()  # the tick's side failed: what is still queued goes back untried
            raise
        finally:
            lanes.close()
            sent += self._record_from(lanes)
        return sent

    def _record_from(self, lanes: Lanes) -> int:
        finished, untried = lanes.collect()
        try:
            return self._record(finished, untried)
        except BaseException:
            lanes.restore(finished, untried)  # tried again with the next batch
            raise

    def _keep_claims(self, row_ids: list[int]) -> None:
        """Rows queued here for long (a slow Slack, a busy channel) keep their claims alive, so
        no other worker takes them as abandoned meanwhile."""
        if row_ids:
            with self.db.transaction(deliver=False) as session:
                outbox.keep_claims(session, self.worker_id, row_ids)

    def _add_lanes(self, lanes: Lanes, ids: list[int]) -> int:
        """Render claimed rows in one read and hand them to the threads, a lane per dispute. A
        lane ends at a row whose delivery changes what later ones render from (a card's ts is its
        thread): the rest of it is put back, to be claimed once that row is recorded."""
        if not ids:
            return 0
        try:
            lanes.add(self._render(lanes, ids))
        except BaseException:
            lanes.leave(ids)  # put back with the next record
            raise
        return len(ids)

    def _render(self, lanes: Lanes, ids: list[int]) -> list[deque[Prepared]]:
        runs: dict[object, deque[Prepared]] = defaultdict(deque)
        with self.db.read() as session:
            rows = list(
                session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
                )
            )
            prefetch(session, rows)
            for row in rows:
                run = runs[row.dispute_id or ("row", row.id)]
                if run and run[-1].kind is not None and run[-1].kind.after is not None:
                    lanes.leave([row.id])
                    continue
                try:
                    run.append(self._prepare(session, row))
                except Exception as error:
                    log.exception("rendering delivery %s failed; trying again later", row.id)
                    later = Outcome(
                        OutcomeStatus.RETRY,
                        error=f"render: {type(error).__name__}",
                        delay=backoff(row.attempts + 1),
                    )
                    run.append(
                        Prepared(
                            row.id,
                            row.channel_id,
                            KINDS.get(row.kind),
                            None,
                            row.attempts,
                            False,
                            row.created_at,
                            later,
                        )
                    )
        return list(runs.values())

    def _record(self, finished: list[tuple[Prepared, Outcome]], untried: list[int]) -> int:
        """Record a batch of outcomes (and put back the rows not tried) in one transaction."""
        if not finished and not untried:
            return 0
        with self.db.transaction(deliver=False) as session:  # a notice it owes: the next claim
            prefetch(session, outbox.lock(session, [item.row_id for item, _ in finished]), to_render=False)
            for item, outcome in finished:
                self._record_in(session, item, outcome, locked=True)
            outbox.put_back(session, self.worker_id, untried)
        sent = sum(1 for _, outcome in finished if outcome.status == OutcomeStatus.SENT)
        if sent:
            self._slack_is_back()
        return sent
