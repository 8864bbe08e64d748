"""Evidence: the card's "Add evidence" button and its form (files, or a link to a Slack
message), and the message shortcut "Add to a dispute" (for people whose organization installed
Parley). What is attached is kept after the ack: a message is read from Slack first, then the
items are written in one transaction, then files are copied (bot/slack/evidence_work.py)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import messages
from bot.blocks.evidence import MISSING, NOT_A_LINK, evidence_modal, message_modal, no_dispute_modal
from bot.i18n import _
from bot.payloads import DisputeButton, EvidenceMeta, MessageEvidenceMeta
from bot.services import disputes, evidence
from bot.services.parties import require_side
from bot.services.people import Person
from bot.slack.buttons import button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.evidence_fetch import MessageLink, Refused, parse_link, read_message, refused
from bot.slack.evidence_work import (
    NOT_STORED,
    attach_from_form,
    check_files,
    copy_files,
    forget_unrecorded,
    limits_of,
    offered,
    tell,
)
from bot.slack.forms import form_state as state
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import on_dispute
from bot.store import StoreError, sha256_of

DISPUTE_ID = re.compile(r"[1-9][0-9]{0,8}")  # ASCII digits, within PostgreSQL's integer


def on_add(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    deps = deps_of(context)
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        require_side(dispute, context["actor"], _("add evidence"))
        evidence.require_open(dispute)
        view = evidence_modal(
            dispute,
            EvidenceMeta(d=dispute.id),
            max_files=deps.settings.evidence_max_files,
            max_mb=deps.settings.evidence_max_file_mb,
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_evidence(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, EvidenceMeta)
    if meta is None:
        ack(response_action="errors", errors={ids.B_EV_NOTE: messages.form_out_of_date()})
        return
    values = view["state"]["values"]
    files = offered(values, ids.B_EV_FILES, ids.A_EV_FILES)
    raw_link = state.line(values, ids.B_EV_LINK, ids.A_EV_LINK)
    note = state.line(values, ids.B_EV_NOTE, ids.A_EV_NOTE)
    errors: dict[str, str] = {}
    check_files(errors, ids.B_EV_FILES, files, limits_of(deps_of(context).settings))
    link = parse_link(raw_link) if raw_link else None
    if raw_link and link is None:
        errors[ids.B_EV_LINK] = _(NOT_A_LINK)
    if not files and not raw_link:
        errors[ids.B_EV_FILES] = _(MISSING)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    context["form"] = {"meta": meta, "files": files, "link": link, "note": note}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    add(
        client,
        context,
        form["meta"].d,
        files=form["files"],
        link=form["link"],
        note=form["note"],
        source="form",
    )


def add(
    client: WebClient,
    context: BoltContext,
    dispute_id: int,
    *,
    files: list[evidence.OfferedFile],
    link: MessageLink | None,
    note: str,
    source: str,
) -> None:
    """Read the message (if any) from Slack, write the items in one transaction, then copy the
    files and tell the person privately what was kept."""
    deps = deps_of(context)
    actor: Person = context["actor"]
    with deps.db.read() as session:  # who may: before Slack is asked anything for them
        dispute = disputes.load(session, host_team_id(context), dispute_id)
        # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
        require_side(dispute, actor, _("add evidence"))
        evidence.require_open(dispute)
        home = dispute.channel_id
    read = (
        read_message(client, link, home=home, reader_team=actor.team_id, reader=actor.user_id)
        if link is not None
        else None
    )
    captured = None if read is None or isinstance(read, Refused) else read
    stored_ref = None
    if captured is not None and deps.store.kind != "database":  # written before the transaction
        try:
            data = captured.canonical()
            stored_ref = deps.store.put(None, sha256_of(data), data)
        except StoreError:
            read, captured = refused(NOT_STORED), None
    recorded_ref = None
    try:
        with on_dispute(context, dispute_id, side=_("add evidence")) as work:
            items = evidence.attach_files(
                work.session,
                work.dispute,
                work.actor,
                files,
                source=source,
                limits=limits_of(deps.settings),
                note=note,
                party=work.member,
            )
            message = None
            if link is not None:
                message = evidence.attach_message(
                    work.session,
                    work.dispute,
                    work.actor,
                    captured,
                    link=link.url,
                    refused=read.reason if isinstance(read, Refused) else None,
                    source=source,
                    note=note,
                    store=deps.store,
                    stored_ref=stored_ref,
                )
            item_ids = [i.id for i in items]
            message_name = message.name if message is not None else None
            recorded_ref = message.stored_ref if message is not None else None
            problem = None
            if captured is not None and captured.attached:  # the message's own files, each an item
                more, problem = attach_from_form(
                    work, list(captured.attached), source=source, settings=deps.settings
                )
                item_ids += more
            dispute = work.dispute
    finally:  # its copy, put outside the database, if the message was not recorded with it
        if stored_ref and recorded_ref != stored_ref:
            forget_unrecorded(deps, {stored_ref})
    copied = copy_files(deps, client, item_ids)
    if link is not None:
        if isinstance(read, Refused):
            # Translators: the name of a message kept as evidence, in "Not copied: {name}." and lists.
            copied.refused.append((_("the Slack message"), read.told))
        elif message_name is None:
            copied.duplicates.append(_("the Slack message"))
        else:
            copied.kept.append(message_name)
    tell(client, dispute, work.actor, copied, refused_all=problem)


# ----- the message shortcut -------------------------------------------------------------------


def on_shortcut(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """ "Add to a dispute" on a message: choose one of the channel's open disputes."""
    channel = (body.get("channel") or {}).get("id")
    given = body.get("message")
    message: dict[str, Any] = given if isinstance(given, dict) else {}
    meta = None
    with contextlib.suppress(ValueError):  # pydantic's ValidationError: not a message we can name
        meta = MessageEvidenceMeta(c=channel, ts=message.get("ts"), t=message.get("thread_ts"))
    if meta is None:
        tell_privately(client, body, messages.stale_button())
        return
    actor: Person = context["actor"]
    deps = deps_of(context)
    with deps.db.read() as session:
        found = evidence.open_in_channel(session, host_team_id(context), meta.c, actor)
        view = message_modal(meta, found, str(message.get("text") or "")) if found else no_dispute_modal()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_message(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, MessageEvidenceMeta)
    chosen = state.selected(view["state"]["values"], ids.B_EV_DISPUTE, ids.A_EV_DISPUTE)
    if meta is None or chosen is None or not DISPUTE_ID.fullmatch(chosen):
        ack(response_action="errors", errors={ids.B_EV_DISPUTE: _("Choose the dispute to add it to.")})
        return
    note = state.line(view["state"]["values"], ids.B_EV_NOTE, ids.A_EV_NOTE)
    context["form"] = {"meta": meta, "dispute": int(chosen), "note": note}
    ack()


def on_message_submit(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    meta: MessageEvidenceMeta = form["meta"]
    link = MessageLink(meta.c, meta.ts, meta.t, _permalink_or_blank(client, meta))
    add(client, context, form["dispute"], files=[], link=link, note=form["note"], source="shortcut")


def _permalink_or_blank(client: WebClient, meta: MessageEvidenceMeta) -> str:
    with contextlib.suppress(SlackApiError):
        found = client.chat_getPermalink(channel=meta.c, message_ts=meta.ts).get("permalink")
        if isinstance(found, str):
            return found
    return ""


LISTENERS = (
    On("action", ids.ADD_EVIDENCE, on_add, REPEAT_IS_HARMLESS),
    On("view", ids.EVIDENCE_MODAL, on_submit, ONCE, ack=check_evidence),
    On("shortcut", ids.EVIDENCE_SHORTCUT, on_shortcut, REPEAT_IS_HARMLESS),
    On("view", ids.MESSAGE_EVIDENCE_MODAL, on_message_submit, ONCE, ack=check_message),
)
