"""Delivering what a unit of work just committed, in the request's own worker thread, so people
see it at once; whatever cannot go now (a busy channel, a slow Slack) is left for the tick."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from bot.delivery.claims import Claims
from bot.delivery.record import Finished, Recorder
from bot.delivery.render import Prepared, Renderer
from bot.delivery.rounds import Rounds
from bot.delivery.send import RowSender, unexpected
from bot.delivery.sender import Outcome, OutcomeStatus
from models import OutboxMessage

log = logging.getLogger("parley.delivery")

# A request's own thread waits at most this long for a busy channel's turn; after that the tick's
# delivery threads take over, so a busy channel never ties up the threads that handle requests.
REQUEST_WAIT = 0.3
# What requests left for the tick is remembered this long (seconds), up to about this many entries.
LEFT_FOR = 300.0
LEFT_KEPT = 1000
# Messages owed by recording what was delivered (a refusal tells the person who acted) are
# delivered in the same call, for at most this many passes; the rest is the tick's.
OWED_PASSES = 3


class RightAway:
    def __init__(
        self, claims: Claims, renderer: Renderer, sending: RowSender, recorder: Recorder, rounds: Rounds
    ) -> None:
        self.claims = claims
        self.renderer = renderer
        self.sending = sending
        self.recorder = recorder
        self.rounds = rounds
        self.request_wait = REQUEST_WAIT
        # What requests here left for the tick lately (disputes, and rows of no dispute), with
        # when: delivered before this process stops (deliver_left), so a deploy does not wait on
        # another process. Older entries are forgotten: the tick has had them long since.
        self._left_lock = threading.Lock()
        self._left: dict[tuple[str, int], float] = {}

    def deliver(self, rows: Iterable[OutboxMessage]) -> None:
        """Deliver what a transaction just committed, in order (those of its rows it claimed
        first); whatever cannot go now stays for the tick. Never raises: what people did is
        committed whatever Slack says."""
        rows = list(rows)
        for _ in range(OWED_PASSES):
            rows = self._deliver_pass(rows)
            if not rows:
                return
        self._left_for_tick(rows)

    def _deliver_pass(self, rows: list[OutboxMessage]) -> list[OutboxMessage]:
        """One pass; returns what recording it owes (to deliver next)."""
        disputes = list(dict.fromkeys(r.dispute_id for r in rows if r.dispute_id is not None))
        loose = [r.id for r in rows if r.dispute_id is None]
        owed: list[OutboxMessage] = []
        done = False
        try:
            claimed = [r.id for r in rows if r.claimed_by == self.claims.worker_id]
            if self._in_order(claimed, owed):
                done = all([self._drain(owed, dispute_ids=[d]) for d in disputes])
                done = (not loose or self._drain(owed, row_ids=loose)) and done
        except Exception:
            log.exception("immediate delivery failed; the scheduler will deliver")
        if not done:
            self._left_for_tick(rows)
        return owed

    def _left_for_tick(self, rows: list[OutboxMessage]) -> None:
        now = time.monotonic()
        keys = [("dispute", r.dispute_id) if r.dispute_id is not None else ("row", r.id) for r in rows]
        with self._left_lock:
            for key in keys:
                self._left[key] = now
            if len(self._left) > LEFT_KEPT:
                self._left = {k: at for k, at in self._left.items() if now - at < LEFT_FOR}

    def deliver_left(self) -> int:
        """Shutting down (bot/shutdown.py): deliver what requests here left for the tick (a busy
        channel, a slow Slack), until the stop_by deadline; returns how many were sent."""
        now = time.monotonic()
        with self._left_lock:
            recent = [key for key, at in self._left.items() if now - at < LEFT_FOR]
            self._left.clear()
        disputes = sorted(n for what, n in recent if what == "dispute")
        loose = sorted(n for what, n in recent if what == "row")

        def claim(limit: int) -> list[int]:
            ids = self.claims.of(dispute_ids=disputes, limit=limit) if disputes else []
            if loose and len(ids) < limit:
                ids += self.claims.of(row_ids=loose, limit=limit - len(ids))
            return ids

        return self.rounds.pipeline(claim) if disputes or loose else 0

    def _drain(
        self,
        owed: list[OutboxMessage],
        *,
        dispute_ids: list[int] | None = None,
        row_ids: list[int] | None = None,
    ) -> bool:
        """Claim and deliver until nothing of these is left (rows another request added while
        this one delivered included: whoever delivers a dispute's messages claims again after);
        False when some are left for the tick."""
        while True:
            if not self.claims.anything_due(dispute_ids=dispute_ids, row_ids=row_ids):
                return True
            ids = self.claims.of(dispute_ids=dispute_ids, row_ids=row_ids)
            if not ids or not self._in_order(ids, owed):
                return False

    def _in_order(self, ids: list[int], owed: list[OutboxMessage]) -> bool:
        """Deliver claimed rows one after the other; on the first that cannot go now, put the
        rest back (order) and say so. Rows whose delivery changes nothing else in the database
        (an update, a reply) are recorded together, with the next row recorded or at the end: one
        write instead of one per message (they stay claimed meanwhile)."""
        delivered: Finished = []
        done = 0
        while done < len(ids):
            # The first message alone, so people see it as soon as possible; then the rest.
            for item in self.renderer.run(ids[done : done + 1] if done == 0 else ids[done:]):
                done += 1
                outcome = self._send(item)
                if outcome.status == OutcomeStatus.SENT and not item.changes_what_follows:
                    delivered.append((item, outcome))
                    continue
                owed += self.recorder.record([*delivered, (item, outcome)])
                delivered.clear()
                if not outcome.final:
                    self.claims.put_back(ids[done:])
                    return False
        owed += self.recorder.record(delivered)
        return True

    def _send(self, item: Prepared) -> Outcome:
        try:
            outcome = item.outcome or self.sending.send(item, self.request_wait)
        except Exception as error:
            log.exception("delivering row %s failed unexpectedly", item.row_id)
            outcome = unexpected(item, error)
        if outcome.status == OutcomeStatus.DEFERRED:  # due now: the tick's threads wait for its turn
            outcome = Outcome(OutcomeStatus.DEFERRED, error=outcome.error)
        return outcome
