"""The status card's menu of rarer actions (an overflow menu: bot/blocks/status_card.py), and
"How to check this record" on the message that says an agreement is in effect.

Each menu option does what its own button used to (and still does on older cards): the same
listener runs, with the same checks, as if that button had been clicked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.agreements import how_to_check
from bot.payloads import CardOption, CheckButton, DisputeButton
from bot.services import agreements, disputes
from bot.slack.buttons import button_value
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.listen import REPEAT_IS_HARMLESS, On
from bot.slack.listeners import agreements as agreement_listeners
from bot.slack.listeners import closing, mediation, parties, perspectives, proposals, settlements

Opens = Callable[[dict[str, Any], WebClient, BoltContext], None]
OPTIONS: dict[str, Opens] = {
    "share": perspectives.on_share,
    "propose": proposals.on_propose,
    "draft": agreement_listeners.on_draft,
    "party": parties.on_add,
    "mediator": mediation.open_form,
    "close": closing.on_close,
    "settle": settlements.on_start,
}


def on_more(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """An option of the card's menu: what its button does (each opens a form, so a repeat is
    harmless: Slack takes a trigger_id once)."""
    chosen = button_value(body, CardOption)
    action = {**(body.get("actions") or [{}])[0], "value": DisputeButton(d=chosen.d).encode()}
    OPTIONS[chosen.o]({**body, "actions": [action]}, client, context)


def on_how_to_check(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Privately, to whoever asks: the content hash, the audit trail's head when it took effect,
    and how to check them. Nothing here is secret; it is only not for the shared thread."""
    ref = button_value(body, CheckButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        agreement = agreements.get(session, dispute, ref.a)
        filename = f"{dispute.reference}-agreement-v{agreement.version}-certificate.pdf"
        answer = how_to_check(dispute, agreement, ref.t, filename)
    tell_privately(client, body, answer)


LISTENERS = (
    On("action", ids.CARD_MORE, on_more, REPEAT_IS_HARMLESS),
    On("action", ids.HOW_TO_CHECK, on_how_to_check, REPEAT_IS_HARMLESS),
)
