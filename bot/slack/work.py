"""The unit of work behind a thread action: one transaction that loads and locks the dispute,
checks the person may act, and collects what Parley must say in the outbox. The messages are
delivered right after the commit by the unit of work (bot/services/unit_of_work.py), never inside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from sqlalchemy.orm import Session

from bot import logs
from bot.blocks import messages
from bot.services import audit, disputes, outbox
from bot.services.errors import NotAllowed
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_party, require_side
from bot.services.people import Person
from bot.slack.context import deps_of, host_team_id
from models import Dispute, OutboxMessage, Party


@dataclass
class Work:
    session: Session
    dispute: Dispute
    actor: Person
    party: Party | None

    @property
    def member(self) -> Party:
        """The acting party, where `on_dispute` was told that only a party (`party=`) or one of
        the two sides (`side=`) may act: it checked them already."""
        if self.party is None:
            raise TypeError("on_dispute was not asked to require a party")
        return self.party

    def say(self, kind: MessageKind, **params: Any) -> OutboxMessage:
        """Owe a message about the dispute; the acting person is told if Slack refuses it."""
        return outbox.say(self.session, self.dispute, kind, notify=self.actor, **params)

    def say_by_actor(self, kind: MessageKind, **params: Any) -> OutboxMessage:
        """A message that names the acting person ("Cora (Client Co) accepted P-2")."""
        return self.say(kind, by=outbox.by_person(self.actor.team_id, self.actor.user_id), **params)

    def trail_head(self) -> str | None:
        """The hash of the dispute's latest audit event, as this transaction leaves it."""
        return audit.head(self.session, team_id=self.dispute.team_id, dispute_id=self.dispute.id)

    def update_card(self) -> OutboxMessage:
        return self.say(MessageKind.CARD_UPDATE)


@contextmanager
def on_dispute(
    context: BoltContext, dispute_id: int, *, party: str | None = None, side: str | None = None
) -> Iterator[Work]:
    """`party`: what the person wants to do, if only a party may ("answer proposals"); `side`: the
    same, when only the two sides may (not a mediator)."""
    actor: Person = context["actor"]
    if not actor.team_id:  # Slack named no organization for them: no side to put them on
        raise NotAllowed(messages.cannot_place())
    with deps_of(context).unit_of_work() as session:
        dispute = disputes.load(session, host_team_id(context), dispute_id, lock=True)
        logs.bind(dispute=dispute.reference)
        member = (
            require_party(dispute, actor, party)
            if party
            else require_side(dispute, actor, side)
            if side
            else None
        )
        yield Work(session, dispute, actor, member)
