"""The scheduler's delivery: everything the request path could not deliver (Slack down, a
channel past its burst, a process killed), in rounds claimed from the outbox on any process."""

from __future__ import annotations

import heapq
import threading
import time
from collections import defaultdict, deque

from sqlalchemy import select

from bot.delivery.rows import Prepared, RowDelivery, prefetch
from bot.delivery.sender import Outcome
from bot.services import outbox
from models import OutboxMessage

PROBE_EVERY = 1.0  # while rows wait out an outage, try one this often to see whether Slack is back
# In a tick's round, a row whose channel's turn is further away than this (a 429's Retry-After) is
# put back for a later round rather than waited for: a round never outlives its claims.
ROUND_WAIT = 10.0
# A tick's round takes up to this many messages per channel (updates in place between them ride
# along): a few seconds of one channel's pace, about the same for every busy channel.
ROUND_PER_CHANNEL = 8


class Rounds(RowDelivery):
    """The tick's part of the Deliverer (bot/delivery/deliverer.py)."""

    _last_probe = 0.0

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
