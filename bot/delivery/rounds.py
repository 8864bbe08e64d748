"""The scheduler's delivery: everything the request path could not deliver (Slack down, a
channel past its burst, a process killed), claimed from the outbox on any process.

One tick's delivery is a pipeline (lanes.py): delivery threads post each dispute's run in order,
while the tick's own thread claims and renders more as channels free up and records what was
delivered every fraction of a second, so no channel waits for another's round."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

from sqlalchemy import select

from bot.delivery.lanes import Lanes
from bot.delivery.rows import Prepared, RowDelivery, prefetch
from bot.delivery.sender import Outcome
from bot.services import outbox
from models import OutboxMessage

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
FEED_FOR = 60.0  # a tick claims for at most this long, so the tick's other tasks run too

Claim = Callable[[int], list[int]]


class Rounds(RowDelivery):
    """The tick's part of the Deliverer (bot/delivery/deliverer.py)."""

    def __call__(self) -> int:
        """Deliver everything that is due (the scheduler's task); returns how many were sent."""
        return self._pipeline(self._claim_due) + self._probe()

    def _claim_due(self, limit: int) -> list[int]:
        with self.db.read() as session:  # usually nothing: then no write at all
            if not outbox.anything_due(session):
                return []
        with self.db.transaction(deliver=False) as session:
            return outbox.claim(session, self.worker_id, limit=limit,
                                per_channel=ROUND_PER_CHANNEL)

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
        lanes = Lanes(self._ready_at, lambda item: self._call(item, ROUND_WAIT),
                      threads=self.workers, patience=ROUND_WAIT)
        sent, last_claim, feed_until = 0, 0.0, time.monotonic() + FEED_FOR
        try:
            while True:
                sent += self._record(*lanes.collect())
                now, outstanding = time.monotonic(), lanes.outstanding()
                if now < feed_until and (outstanding == 0 or (
                        outstanding < self.batch // 2 and now - last_claim >= CLAIM_EVERY)):
                    last_claim = now
                    if not self._add_lanes(lanes, claim(self.batch - outstanding)) and not outstanding:
                        break
                elif not outstanding:
                    break
                lanes.wait(RECORD_EVERY, RECORD_BATCH)
        finally:
            lanes.close()
            sent += self._record(*lanes.collect())
        return sent

    def _add_lanes(self, lanes: Lanes, ids: list[int]) -> int:
        """Render claimed rows in one read and hand them to the threads, a lane per dispute. A
        lane ends at a row whose delivery changes what later ones render from (a card's ts is its
        thread): the rest of it is put back, to be claimed once that row is recorded."""
        if not ids:
            return 0
        runs: dict[object, deque[Prepared]] = defaultdict(deque)
        with self.db.read() as session:
            rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                        .order_by(OutboxMessage.id)))
            prefetch(session, rows)
            for row in rows:
                run = runs[row.dispute_id or ("row", row.id)]
                if run and run[-1].kind is not None and run[-1].kind.after is not None:
                    lanes.leave([row.id])
                    continue
                run.append(self._prepare(session, row))
        lanes.add(list(runs.values()))
        return len(ids)

    def _record(self, finished: list[tuple[Prepared, Outcome]], untried: list[int]) -> int:
        """Record a batch of outcomes (and put back the rows not tried) in one transaction."""
        if not finished and not untried:
            return 0
        with self.db.transaction() as session:
            prefetch(session, outbox.lock(session, [item.row_id for item, _ in finished]),
                     to_render=False)
            for item, outcome in finished:
                self._record_in(session, item, outcome, locked=True)
            outbox.put_back(session, self.worker_id, untried)
        sent = sum(1 for _, outcome in finished if outcome.status == "sent")
        if sent:
            self._slack_is_back()
        return sent
