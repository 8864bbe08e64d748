"""Delivering outbox rows: right after the commit that wrote them (here, in the request's own
worker thread), and on the scheduler's clock for everything left over (rounds.py: Slack down, a
process killed). Claims are bot/services/outbox.py's; one row's render, call and record are
rows.py's."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from bot.delivery.rounds import Rounds
from bot.delivery.rows import Prepared, unexpected
from bot.delivery.sender import Outcome, OutcomeStatus
from bot.services import outbox
from bot.slack.directory import NotCached
from models import OutboxMessage, utcnow

log = logging.getLogger("parley.delivery")

# A request's own thread waits at most this long for a busy channel's turn; after that the tick's
# delivery threads take over, so a busy channel never ties up the threads that handle requests.
REQUEST_WAIT = 0.3
# What requests left for the tick is remembered this long (seconds), up to about this many entries.
LEFT_FOR = 300.0
LEFT_KEPT = 1000


class Deliverer(Rounds):
    """Delivers outbox rows: right after a commit (these methods) and on the tick (Rounds)."""

    request_wait = REQUEST_WAIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What requests here left for the tick lately (disputes, and rows of no dispute), with
        # when: delivered before this process stops (deliver_left), so a deploy does not wait on
        # another process. Older entries are forgotten: the tick has had them long since.
        self._left_lock = threading.Lock()
        self._left: dict[tuple[str, int], float] = {}

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
        except Exception:
            log.debug(
                "rendering delivery %s ahead failed; rendering it after the commit", row.id, exc_info=True
            )
            return None

    def deliver_now(self, rows: Iterable[OutboxMessage], ahead: Prepared | None = None) -> None:
        """Deliver what a transaction just saved, in order (`ahead`: its first row, already
        rendered); whatever cannot go now stays for the tick. Never raises: what people did is
        committed whatever Slack says."""
        rows = list(rows)
        disputes = list(dict.fromkeys(r.dispute_id for r in rows if r.dispute_id is not None))
        loose = [r.id for r in rows if r.dispute_id is None]
        done = False
        try:
            claimed = [r.id for r in rows if r.claimed_by == self.worker_id]
            if self._deliver_in_order(claimed, ahead):
                done = all([self._drain(dispute_ids=[d]) for d in disputes])
                done = (not loose or self._drain(row_ids=loose)) and done
        except Exception:
            log.exception("immediate delivery failed; the scheduler will deliver")
        if not done:
            self._remember_left([("dispute", d) for d in disputes] + [("row", r) for r in loose])

    def _remember_left(self, keys: list[tuple[str, int]]) -> None:
        now = time.monotonic()
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
            with self.db.transaction(deliver=False) as session:
                ids = outbox.claim(session, self.worker_id, limit=limit, dispute_ids=disputes)
                if loose and len(ids) < limit:
                    ids += outbox.claim(session, self.worker_id, limit=limit - len(ids), row_ids=loose)
                return ids

        return self._pipeline(claim) if disputes or loose else 0

    def _drain(self, *, dispute_ids: list[int] | None = None, row_ids: list[int] | None = None) -> bool:
        """Claim and deliver until nothing of these is left (rows another request added while
        this one delivered included: whoever delivers a dispute's messages claims again after);
        False when some are left for the tick."""
        while True:
            with self.db.read() as session:  # usually nothing: then no write at all
                if not outbox.anything_due(session, dispute_ids=dispute_ids, row_ids=row_ids):
                    return True
            with self.db.transaction(deliver=False) as session:
                ids = outbox.claim(session, self.worker_id, dispute_ids=dispute_ids, row_ids=row_ids)
            if not ids or not self._deliver_in_order(ids):
                return False

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
                run = self._prepare_run(ids[done : done + 1] if done == 0 else ids[done:])
            for item in run:
                done += 1
                try:
                    outcome = item.outcome or self._call(item, self.request_wait)
                except Exception as error:
                    log.exception("delivering row %s failed unexpectedly", item.row_id)
                    outcome = unexpected(item, error)
                if outcome.status == OutcomeStatus.DEFERRED:  # due now: the tick's threads wait for its turn
                    outcome = Outcome(OutcomeStatus.DEFERRED, error=outcome.error)
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
                    prepared.append(
                        Prepared(
                            row_id,
                            "",
                            None,
                            None,
                            0,
                            False,
                            utcnow(),
                            Outcome(OutcomeStatus.SKIPPED, error="gone"),
                        )
                    )
                    continue
                prepared.append(self._prepare(session, row))
                if prepared[-1].kind is not None and prepared[-1].kind.after is not None:
                    break
        return prepared

    def _finish(
        self, item: Prepared, outcome: Outcome, delivered: list[tuple[Prepared, Outcome]] | None
    ) -> Outcome:
        if (
            delivered is not None
            and outcome.status == OutcomeStatus.SENT
            and item.kind is not None
            and item.kind.after is None
        ):
            delivered.append((item, outcome))
            self._slack_is_back()
            return outcome
        with self.db.transaction() as session:
            self._record_many_in(session, delivered or [])
            self._record_in(session, item, outcome)
        if outcome.status == OutcomeStatus.SENT:
            self._slack_is_back()
        return outcome
