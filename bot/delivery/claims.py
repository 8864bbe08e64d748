"""Claiming outbox rows for this process's delivery (the rules are bot/services/outbox_claims.py's).
The tick's claims read first and write only when there is something to take, since most ticks
find nothing; the request path asks `anything_due` itself before it claims."""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import Database
from bot.services import outbox_claims
from models import OutboxMessage


def new_worker_id() -> str:
    """This process's name on the rows it claims: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Claims:
    def __init__(self, db: Database, worker_id: str) -> None:
        self.db = db
        self.worker_id = worker_id

    def new(self, session: Session, rows: list[OutboxMessage]) -> list[OutboxMessage]:
        """Inside the transaction that wrote `rows` (the unit of work): claim them for the thread
        that delivers them after the commit, so the tick leaves them alone."""
        return outbox_claims.claim_new(session, self.worker_id, rows)

    def due(self, limit: int, per_channel: int) -> list[int]:
        """The tick: whatever is due, a few rows per channel."""
        with self.db.read() as session:
            if not outbox_claims.anything_due(session):
                return []
        with self.db.transaction() as session:
            return outbox_claims.claim(session, self.worker_id, limit=limit, per_channel=per_channel)

    def anything_due(self, *, dispute_ids: list[int] | None = None, row_ids: list[int] | None = None) -> bool:
        """Is anything of these disputes (or rows of no dispute) due? A read: usually nothing is."""
        with self.db.read() as session:
            return outbox_claims.anything_due(session, dispute_ids=dispute_ids, row_ids=row_ids)

    def of(
        self,
        *,
        dispute_ids: list[int] | None = None,
        row_ids: list[int] | None = None,
        limit: int = outbox_claims.BATCH,
    ) -> list[int]:
        """What is due of these disputes, or of these rows of no dispute."""
        with self.db.transaction() as session:
            return outbox_claims.claim(
                session, self.worker_id, limit=limit, dispute_ids=dispute_ids, row_ids=row_ids
            )

    def parked_one(self) -> list[int]:
        """The oldest row waiting out an outage (a probe whether Slack is back), or nothing."""
        with self.db.read() as session:
            if not outbox_claims.parked(session):
                return []
        with self.db.transaction() as session:
            return outbox_claims.claim(session, self.worker_id, limit=1, parked_too=True)

    def keep(self, row_ids: list[int]) -> None:
        """Rows queued here for long (a slow Slack, a busy channel) keep their claims alive."""
        if row_ids:
            with self.db.transaction() as session:
                outbox_claims.keep_claims(session, self.worker_id, row_ids)

    def put_back(self, row_ids: list[int], *, not_before: datetime | None = None) -> None:
        """Claimed but not tried: due again (at `not_before`) for any worker."""
        if row_ids:
            with self.db.transaction() as session:
                outbox_claims.put_back(session, self.worker_id, row_ids, not_before=not_before)
