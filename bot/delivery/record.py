"""Recording what became of each row, with what it means for the domain (each kind's hooks: a
card's ts is its dispute's thread; a refused message tells the person who acted). The hooks may
owe new messages: they are returned, for whoever delivers next, never delivered from here."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.db import Database
from bot.delivery.calls import Delivered, Kind
from bot.delivery.render import Prepared, prefetch
from bot.delivery.sender import Outcome, OutcomeStatus
from bot.services import outbox, outbox_claims
from models import OutboxMessage, utcnow

log = logging.getLogger("parley.delivery")

FLUSH_EVERY = 2.0  # after a success, look for rows parked by an outage at most this often
Finished = list[tuple[Prepared, Outcome]]


def _ts(outcome: Outcome) -> str | None:
    return outcome.delivered.ts if outcome.delivered else None


class Recorder:
    def __init__(self, db: Database, worker_id: str) -> None:
        self.db = db
        self.worker_id = worker_id
        self.outage_seen_at = 0.0  # monotonic: when an outcome last said Slack looked down
        self._last_flush = 0.0

    def record(self, finished: Finished, untried: Sequence[int] = ()) -> list[OutboxMessage]:
        """Record outcomes (and put back the rows not tried) in one transaction; returns the
        messages the kinds' hooks owe."""
        if not finished and not untried:
            return []
        with self.db.transaction() as session:
            held = outbox_claims.lock(session, [item.row_id for item, _ in finished])
            prefetch(session, held, to_render=False)
            together: dict[Kind, list[tuple[OutboxMessage, Delivered]]] = defaultdict(list)
            for item, outcome in finished:
                if outcome.status == OutcomeStatus.SENT and item.kind is not None and item.kind.after_many:
                    row = outbox.sent(session, self.worker_id, item.row_id, _ts(outcome), locked=True)
                    if row is not None:
                        together[item.kind].append((row, outcome.delivered or Delivered()))
                else:
                    self._record_one(session, item, outcome)
            for kind, delivered in together.items():
                assert kind.after_many is not None
                kind.after_many(session, delivered)
            outbox_claims.put_back(session, self.worker_id, list(untried))
            owed = outbox.owed(session)
        if any(outcome.status == OutcomeStatus.SENT for _, outcome in finished):
            self._slack_is_back()
        return owed

    def _record_one(self, session: Session, item: Prepared, outcome: Outcome) -> None:
        row_id, kind = item.row_id, item.kind
        if outcome.status == OutcomeStatus.DEFERRED:
            later = utcnow() + timedelta(seconds=outcome.delay) if outcome.delay else None
            outbox_claims.put_back(session, self.worker_id, [row_id], not_before=later)
        elif outcome.status == OutcomeStatus.SENT:
            row = outbox.sent(session, self.worker_id, row_id, _ts(outcome), locked=True)
            if row is not None and kind is not None and kind.after is not None:
                kind.after(session, row, outcome.delivered or Delivered())
        elif outcome.status == OutcomeStatus.SKIPPED:
            outbox.skipped(session, self.worker_id, row_id, outcome.error, locked=True)
            row = session.get(OutboxMessage, row_id)
            if row is not None and kind is not None and kind.skipped is not None:
                kind.skipped(session, row, outcome.error)
        elif outcome.status == OutcomeStatus.FAILED:
            row = outbox.failed(session, self.worker_id, row_id, outcome.error, locked=True)
            if row is not None and kind is not None and kind.failed is not None:
                kind.failed(session, row, outcome.error)
        else:
            if outcome.outage:  # as good as a probe: the next one waits its time (rounds.py)
                self.outage_seen_at = time.monotonic()
            result = outbox.retry(
                session,
                self.worker_id,
                row_id,
                outcome.error,
                delay=timedelta(seconds=outcome.delay),
                uncertain=outcome.uncertain,
                outage=outcome.outage,
                locked=True,
            )
            row = session.get(OutboxMessage, row_id)
            if result == "failed" and row is not None and kind is not None and kind.failed:
                kind.failed(session, row, outcome.error)

    def _slack_is_back(self) -> None:
        """A delivery went through: rows parked by an outage are due now (at most every few s)."""
        if time.monotonic() - self._last_flush < FLUSH_EVERY:
            return
        self._last_flush = time.monotonic()
        with self.db.read() as session:
            if not outbox_claims.parked(session):
                return
        with self.db.transaction() as session:
            count = outbox.slack_is_back(session)
        if count:
            log.info("Slack answers again: %d waiting messages are due now", count)
