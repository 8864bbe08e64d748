"""The scheduler's delivery: everything the request path could not deliver (Slack down, a
channel past its burst, a process killed), claimed from the outbox on any process.

One tick's delivery is a pipeline (lanes.py): delivery threads post each dispute's run in order,
while the tick's own thread claims and renders more as channels free up and records what was
delivered every fraction of a second, so no channel waits for another's round."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from bot.delivery.claims import Claims
from bot.delivery.lanes import Lanes
from bot.delivery.record import Recorder
from bot.delivery.render import Renderer
from bot.delivery.send import RowSender
from bot.delivery.sender import OutcomeStatus
from bot.services import outbox_claims

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
KEEP_CLAIMS_EVERY = outbox_claims.CLAIM_TIMEOUT.total_seconds() / 4
FEED_FOR = 60.0  # a tick claims for at most this long, so the tick's other tasks run too

Claim = Callable[[int], list[int]]


class Rounds:
    """The tick's delivery, from the four parts: claims, rendering, sending and recording."""

    def __init__(
        self,
        claims: Claims,
        renderer: Renderer,
        sending: RowSender,
        recorder: Recorder,
        *,
        workers: int = 16,
        batch: int = outbox_claims.BATCH,
    ) -> None:
        self.claims = claims
        self.renderer = renderer
        self.sending = sending
        self.recorder = recorder
        self.workers = workers
        self.batch = batch
        self._stop_at = math.inf  # monotonic; see stop_by
        self._last_probe = 0.0

    def stop_by(self, deadline: float) -> None:
        """Shutting down (bot/shutdown.py): claim nothing more after `deadline` (monotonic), and
        then put back what is queued here untried, for another process or the next start; rows
        already in Slack's hands are recorded first."""
        self._stop_at = deadline

    @property
    def stopping(self) -> bool:
        return time.monotonic() >= self._stop_at

    def __call__(self) -> int:
        """Deliver everything that is due (the scheduler's task); returns how many were sent."""
        sent = self.pipeline(lambda limit: self.claims.due(limit, ROUND_PER_CHANNEL))
        return sent if self.stopping else sent + self._probe()

    def _probe(self) -> int:
        """Rows are parked because Slack looked down: try the oldest one, now and then."""
        last = max(self._last_probe, self.recorder.outage_seen_at)  # an outage outcome is a probe
        if time.monotonic() - last < PROBE_EVERY:
            return 0
        self._last_probe = time.monotonic()
        ids = self.claims.parked_one()
        return self.deliver_many(ids) if ids else 0

    def deliver_many(self, ids: list[int]) -> int:
        """Deliver rows already claimed (and whatever becomes due meanwhile is left to the tick)."""
        given = [ids]
        return self.pipeline(lambda limit: given.pop() if given else [])

    def pipeline(self, claim: Claim) -> int:
        """Claim, deliver and record until nothing is left to claim and everything claimed is
        delivered or put back; returns how many were sent."""
        lanes = Lanes(
            self.sending.ready_at,
            lambda item: self.sending.send(item, ROUND_WAIT),
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
                    self.claims.keep(lanes.claimed())
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
        """Record what the threads finished; what the kinds' hooks owe waits for the next claim."""
        finished, untried = lanes.collect()
        try:
            self.recorder.record(finished, untried)
        except BaseException:
            lanes.restore(finished, untried)  # tried again with the next batch
            raise
        return sum(1 for _, outcome in finished if outcome.status == OutcomeStatus.SENT)

    def _add_lanes(self, lanes: Lanes, ids: list[int]) -> int:
        """Render claimed rows in one read and hand them to the threads, a lane per dispute."""
        if not ids:
            return 0
        try:
            lanes.add(self.renderer.runs(ids, lanes.leave))
        except BaseException:
            lanes.leave(ids)  # put back with the next record
            raise
        return len(ids)
