"""The outbox's delivery, assembled from parts with one job each:

- claims.py   takes rows for this process (the rules are bot/services/outbox_claims.py's);
- render.py   renders each row from the database into the Slack call it owes;
- send.py     looks for an earlier attempt, waits for the channel's turn, calls Slack;
- record.py   records each outcome, with what it means for the domain.

Two ways through them: right_away.py delivers what a unit of work just committed, in the
request's own thread (bot/services/unit_of_work.py calls `claim_new` before its commit and
`deliver_now` after it); rounds.py is the scheduler's tick, for everything else (Slack down, a
busy channel, a process killed), on any process."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.db import Database
from bot.delivery.claims import Claims, new_worker_id
from bot.delivery.pacer import ChannelPacer
from bot.delivery.record import Recorder
from bot.delivery.render import Renderer
from bot.delivery.right_away import RightAway
from bot.delivery.rounds import Rounds
from bot.delivery.send import RowSender
from bot.delivery.sender import Sender
from bot.delivery.teams import Installations, OneWorkspace
from bot.services import outbox_claims
from bot.slack.directory import Directory
from models import OutboxMessage


class Deliverer:
    """One per process (web or worker): its pacer is that process's view of each channel."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        names: Directory,
        pacer: ChannelPacer,
        *,
        installations: Installations | None = None,
        workers: int = 16,
        batch: int = outbox_claims.BATCH,
    ) -> None:
        self.db = db
        self.sender = sender
        self.names = names
        self.pacer = pacer
        # Multi-workspace mode: the TokenBook (bot/slack/installs.py); None with one workspace.
        self.tokens = installations
        book = installations or OneWorkspace()
        self.worker_id = new_worker_id()
        self.claims = Claims(db, self.worker_id)
        self.renderer = Renderer(db, names, book)
        self.sending = RowSender(sender, pacer, book)
        self.recorder = Recorder(db, self.worker_id)
        self.rounds = Rounds(
            self.claims, self.renderer, self.sending, self.recorder, workers=workers, batch=batch
        )
        self.right_away = RightAway(self.claims, self.renderer, self.sending, self.recorder, self.rounds)

    # ----- the unit of work's side (bot/services/unit_of_work.py) ----------------------------
    def claim_new(self, session: Session, rows: list[OutboxMessage]) -> list[OutboxMessage]:
        """Inside the writing transaction: claim its rows for this thread (the tick leaves them)."""
        return self.claims.new(session, rows)

    def deliver_now(self, rows: Iterable[OutboxMessage]) -> None:
        """After its commit: deliver them at once; what cannot go now is the tick's."""
        self.right_away.deliver(rows)

    # ----- the scheduler's side (bot/jobs/tasks.py, bot/shutdown.py) -------------------------
    def __call__(self) -> int:
        """The tick: deliver everything due; returns how many were sent."""
        return self.rounds()

    def deliver_many(self, ids: list[int]) -> int:
        return self.rounds.deliver_many(ids)

    def stop_by(self, deadline: float) -> None:
        self.rounds.stop_by(deadline)

    def deliver_left(self) -> int:
        return self.right_away.deliver_left()
