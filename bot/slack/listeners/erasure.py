"""`/dispute settings` → "Delete this workspace's data…": a confirmation that names what goes and
what stays, for the workspace's admins (bot/services/erasure.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.settings import CONFIRM_ERASE, ONLY_ADMINS, erase_modal, erased
from bot.i18n import _
from bot.payloads import EraseMeta, decode
from bot.services import erasure
from bot.services.errors import NotAllowed
from bot.services.people import Person
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On

log = logging.getLogger("parley.erasure")


def on_erase_start(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The settings modal's "Delete this workspace's data…": the confirmation, on top of it."""
    deps = deps_of(context)
    actor: Person = context["actor"]
    team = host_team_id(context)
    if not deps.directory.is_admin_of(actor.user_id, team):
        raise NotAllowed(_(ONLY_ADMINS))
    with deps.db.read() as session:
        held = erasure.holdings(session, team)
    # Translators: the workspace's name when Slack gives none ("Parley deleted this workspace's data").
    name = deps.directory.team_name(team) or _("this workspace")
    client.views_push(trigger_id=body["trigger_id"], view=erase_modal(team, name, held))


def check_erase(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    meta = decode(EraseMeta, view.get("private_metadata"))
    actor: Person = context["actor"]
    team = host_team_id(context)
    if meta is None or meta.team != team:
        ack(response_action="errors", errors={ids.B_ERASE_SURE: messages.form_out_of_date_command()})
        return
    if not deps.directory.is_admin_of(actor.user_id, team):
        ack(response_action="errors", errors={ids.B_ERASE_SURE: _(ONLY_ADMINS)})
        return
    if "yes" not in state.checked(view["state"]["values"], ids.B_ERASE_SURE, ids.A_ERASE_SURE):
        ack(response_action="errors", errors={ids.B_ERASE_SURE: _(CONFIRM_ERASE)})
        return
    context["form"] = {"team": team}
    ack(response_action="clear")  # closes the confirmation and the settings under it


def on_erase(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    actor: Person = context["actor"]
    team = context["form"]["team"]
    with deps.unit_of_work() as session:
        held = erasure.erase(session, team, by=actor, store=deps.store)
    for ref in held.copies:  # a directory's or a bucket's copies, now that the erasure holds
        try:
            with deps.db.read() as session:
                deps.store.delete(session, ref)
        except Exception as error:  # noqa: BLE001 - the data is erased; a copy left is logged
            log.error("an erased dispute's evidence copy could not be deleted (%s): %s", ref, error)
    name = deps.directory.team_name(team) or _("this workspace")
    tell_privately(client, {"user": {"id": actor.user_id}}, erased(name, held))


LISTENERS = (
    On("action", ids.ERASE_START, on_erase_start, REPEAT_IS_HARMLESS),
    On("view", ids.ERASE_MODAL, on_erase, ONCE, ack=check_erase),
)
