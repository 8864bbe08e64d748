"""The lanes of a tick's delivery: each dispute's claimed run is a lane, delivered in order by one
thread at a time, the threads always taking the lane whose channel may post soonest (a thousand
channels go in parallel, none faster than its pace). Lanes are added while the threads deliver
(the tick claims more as channels free up), and what the threads finish is collected for the tick
to record in batches: rendering, claiming and recording never stop the posting."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from bot.delivery.render import Prepared
from bot.delivery.send import unexpected
from bot.delivery.sender import Outcome

log = logging.getLogger("parley.delivery")
Lane = deque[Prepared]


class Lanes:
    def __init__(
        self,
        ready_at: Callable[[Prepared], float],
        deliver: Callable[[Prepared], Outcome],
        *,
        threads: int,
        patience: float,
    ) -> None:
        self._ready_at = ready_at  # when a row's channel may take it (monotonic)
        self._patience = patience  # a row whose turn is further away is handed over at once
        self._deliver = deliver
        self._most_threads = threads
        self._threads: list[threading.Thread] = []
        self._heap: list[tuple[float, int, Lane]] = []
        self._numbers = itertools.count()
        lock = threading.Lock()
        self._changed = threading.Condition(lock)  # the tick waits here for finished rows
        self._turns = threading.Condition(lock)  # the delivery threads wait here for lanes
        self._watching: float | None = None  # the turn one thread watches the clock for
        self._held: dict[int, Prepared] = {}  # rows being delivered, by id
        self._queued = 0  # rows in lanes, not taken yet
        self._busy = 0  # rows being delivered
        self._finished: list[tuple[Prepared, Outcome]] = []
        self._untried: list[int] = []
        self._closed = False
        self._abandoned = False

    # ----- the tick's side --------------------------------------------------------------------
    def add(self, lanes: list[Lane]) -> None:
        with self._changed:
            for lane in lanes:
                self._push(lane)
                self._queued += len(lane)
            while len(self._threads) < min(self._most_threads, len(self._heap) + self._busy):
                thread = threading.Thread(
                    target=self._work, daemon=True, name=f"delivery-{len(self._threads)}"
                )
                self._threads.append(thread)
                thread.start()
            self._turns.notify()

    def leave(self, row_ids: list[int]) -> None:
        """Claimed rows not to deliver in this round (put back at the next record)."""
        with self._changed:
            self._untried.extend(row_ids)

    def outstanding(self) -> int:
        """Rows claimed and not delivered yet (queued or in Slack's hands)."""
        with self._changed:
            return self._queued + self._busy

    def wait(self, timeout: float, enough: int) -> None:
        """Until `enough` rows are finished, every row is, or `timeout` passes."""
        with self._changed:
            self._changed.wait_for(
                lambda: len(self._finished) >= enough or self._queued + self._busy == 0, timeout
            )

    def collect(self) -> tuple[list[tuple[Prepared, Outcome]], list[int]]:
        """What finished since the last call, and the rows to put back."""
        with self._changed:
            finished, self._finished = self._finished, []
            untried, self._untried = self._untried, []
            return finished, untried

    def restore(self, finished: list[tuple[Prepared, Outcome]], untried: list[int]) -> None:
        """Collected but not recorded (the record failed): recorded with the next batch."""
        with self._changed:
            self._finished[:0] = finished
            self._untried[:0] = untried

    def claimed(self) -> list[int]:
        """Every row still held here (queued or being delivered): their claims are kept alive."""
        with self._changed:
            return [*self._held, *(item.row_id for _, _, lane in self._heap for item in lane)]

    def abandon(self) -> None:
        """Something went wrong on the tick's side, or time is up: what is still queued goes
        back, untried, and so does the rest of each lane whose row is in Slack's hands now."""
        with self._changed:
            self._abandoned = True
            for _, _, lane in self._heap:
                self._untried.extend(item.row_id for item in lane)
                self._queued -= len(lane)
            self._heap.clear()
            self._turns.notify_all()  # a thread watching the clock for a turn stops watching

    def close(self) -> None:
        """No more lanes come: the threads finish what is queued and stop."""
        with self._changed:
            self._closed = True
            self._turns.notify_all()
        for thread in self._threads:
            thread.join()

    # ----- the delivery threads ---------------------------------------------------------------
    def _work(self) -> None:
        while (taken := self._take()) is not None:
            item, lane = taken
            try:
                outcome = item.outcome or self._deliver(item)
            except Exception as error:
                log.exception("delivering row %s failed unexpectedly", item.row_id)
                outcome = unexpected(item, error)
            with self._changed:
                self._busy -= 1
                del self._held[item.row_id]
                self._finished.append((item, outcome))
                if not outcome.final or self._abandoned:  # the rest waits for this row, or goes back
                    self._untried.extend(rest.row_id for rest in lane)
                    self._queued -= len(lane)
                elif lane:  # this thread takes the next lane itself
                    self._push(lane)
                if self._busy == 0:
                    self._turns.notify_all()  # closed and done, perhaps: the others may stop
                self._changed.notify()

    def _take(self) -> tuple[Prepared, Lane] | None:
        """The next row of the lane whose channel may post soonest, once it may (or at once when
        that is beyond patience: the delivery puts it back); None when the lanes are closed and
        every one is done."""
        with self._changed:
            while True:
                if not self._heap:
                    if self._closed and self._busy == 0:
                        return None
                    self._turns.wait(0.5)
                    continue
                ready_at, _, lane = self._heap[0]
                now = time.monotonic()
                if now < ready_at <= now + self._patience:
                    if self._watching is not None:  # another thread wakes at that turn
                        self._turns.wait(0.5)
                        continue
                    self._watching = ready_at
                    try:
                        self._turns.wait(ready_at - now)
                    finally:
                        self._watching = None
                    continue
                heapq.heappop(self._heap)
                fresh = self._ready_at(lane[0])  # another lane of its channel may have gone since
                if now + 0.005 < fresh <= now + self._patience:
                    heapq.heappush(self._heap, (fresh, next(self._numbers), lane))
                    continue
                self._queued -= 1
                self._busy += 1
                item = lane.popleft()
                self._held[item.row_id] = item
                self._turns.notify()  # the next thread watches for the next turn
                return item, lane

    def _push(self, lane: Lane) -> None:
        """Queue a lane (the lock held); wake the threads if its turn comes before the one a
        thread is watching the clock for."""
        ready_at = self._ready_at(lane[0])
        heapq.heappush(self._heap, (ready_at, next(self._numbers), lane))
        if self._watching is not None and ready_at < self._watching:
            self._turns.notify_all()
