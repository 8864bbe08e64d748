"""A unit of work that owes Slack messages: one transaction, and the delivery of the messages it
saved right after its commit, in this thread, with no transaction open.

    with deps.unit_of_work() as session:     # a listener's work
        proposals.answer(session, ...)       # writes state, an audit event, outbox rows
    # committed; the rows are delivered here (what cannot go now is the scheduler's tick's)

Services register each row they write (outbox.say). Just before the commit the unit of work
claims those rows for this thread, so no tick takes them meanwhile; after the commit it hands
them to the delivery it was built with. Code that must not deliver (the scheduler's own writes,
the command line) uses `Database.transaction()`, which delivers nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session

from bot.db import Database
from bot.services import outbox
from models import OutboxMessage


class Delivery(Protocol):
    """What a unit of work needs of the delivery (bot/delivery/deliverer.py's Deliverer)."""

    def claim_new(self, session: Session, rows: list[OutboxMessage]) -> list[OutboxMessage]: ...

    def deliver_now(self, rows: list[OutboxMessage]) -> None: ...


class UnitOfWork:
    def __init__(self, db: Database, delivery: Delivery) -> None:
        self.db = db
        self.delivery = delivery

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        with self.db.transaction() as session:
            yield session
            rows = outbox.owed(session)
            if rows:
                self.delivery.claim_new(session, rows)
        if rows:
            self.delivery.deliver_now(rows)
