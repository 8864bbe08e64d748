"""/dispute, the "Raise a dispute" button, and the modal that opens a dispute thread."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import i18n, ids, logs
from bot.blocks import messages
from bot.blocks.delivery import saved_not_posted
from bot.blocks.dispute_modal import not_opened, open_dispute_modal
from bot.blocks.show import show_dispute, show_text
from bot.i18n import _
from bot.payloads import OpenDisputeMeta, decode
from bot.records import export_access, history
from bot.records.bundle import export_bundle
from bot.records.documents.export_markdown import export_file, export_markdown
from bot.records.documents.export_pdf import export_pdf
from bot.records.export import dispute_record, exported_evidence
from bot.services import agreements, followups, languages, opening, outbox
from bot.services import disputes as service
from bot.services.errors import DomainError, NotAllowed
from bot.services.message_kinds import MessageKind
from bot.services.people import Person
from bot.services.policy import effective_policy
from bot.slack.approvals_view import approval_view
from bot.slack.context import Deps, channel_provider, deps_of, host_team_id, settle_provider
from bot.slack.errors import tell_privately
from bot.slack.forms.dispute_form import read_form, validate
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On, first_delivery, learn_calendar
from bot.slack.listeners.settings import open_settings
from bot.slack.outgoing import reply
from bot.slack.sides import card_names
from bot.store import StoreError
from models import Dispute, utcnow

log = logging.getLogger("parley.disputes")
REFERENCE = re.compile(r"d-?\d+", re.IGNORECASE)
HASH = re.compile(r"[0-9a-f]{64}")


def on_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """`/dispute [title]`, `help`, `list`, `show D-7`, `export D-7`, `verify <hash>`,
    `settings`."""
    deps = deps_of(context)
    text = command.get("text", "").strip()
    word = text.lower()
    answer = command["response_url"]
    if word in {"help", "?"}:
        reply(answer, messages.help_text())
        return
    verb, _space, reference = word.partition(" ")
    if verb in {"show", "export"} and (not reference or REFERENCE.fullmatch(reference.strip())):
        reference = reference.strip()
        if not reference:
            reply(answer, messages.which_dispute(verb))
        elif verb == "show":
            _show(command, context, reference)
        else:
            _export(client, command, context, reference)
        return
    given = text.partition(" ")[2].strip()
    if verb == "verify" and not any(c.isspace() for c in given):  # else a title: "Verify the …"
        _verify(command, context, given)
        return
    if word == "settings":
        open_settings(client, command, context)
        return
    meant = _meant(verb, reference)
    if meant is not None:  # "lsit", "shwo D-7": a subcommand mistyped, not a title
        reply(answer, messages.did_you_mean(meant, text))
        return
    if _is_direct_message(command):
        reply(answer, messages.dm_not_supported())
        return
    channel_id = command["channel_id"]
    if word == "list":
        with deps.db.read() as session:
            rows, total = service.list_active_in_channel(
                session,
                channel_provider(session, context, channel_id),
                channel_id,
                messages.LIST_LIMIT,
                carrier=host_team_id(context),
            )
            upcoming = {
                d.id: when for d in rows if (when := followups.next_checkin(session, d.id)) is not None
            }
            blocks = messages.active_disputes(rows, total, channel_id, upcoming)
        reply(answer, messages.active_disputes_text(total), blocks)
        return
    if not deps.membership.is_member(client, channel_id):
        reply(answer, messages.not_in_channel(channel_id))
        return
    _open_form(client, command["trigger_id"], channel_id, title=text)


SUBCOMMANDS = ("help", "list", "show", "export", "verify", "settings")


def _meant(verb: str, rest: str) -> str | None:
    """The subcommand a one-word text (or one with a reference after it) was probably meant to
    be, when it is close to one ("lsit", "exprot D-7"); None for anything else (a title)."""
    rest = rest.strip()
    if (rest and not REFERENCE.fullmatch(rest)) or verb in SUBCOMMANDS or len(verb) < 3:
        return None
    close = difflib.get_close_matches(verb, SUBCOMMANDS, n=1, cutoff=0.7)
    if not close or (rest and close[0] not in ("show", "export")):
        return None
    return f"{close[0]} {rest.upper()}".strip()


def _is_direct_message(command: dict[str, Any]) -> bool:
    channel_id = command.get("channel_id", "")
    name = command.get("channel_name", "")
    return channel_id.startswith("D") or name == "directmessage" or name.startswith("mpdm-")


def _open_form(client: WebClient, trigger_id: str, channel_id: str, title: str = "") -> None:
    """(A trigger_id Slack no longer takes is answered in bot/slack/errors.py, for every form.)"""
    client.views_open(trigger_id=trigger_id, view=open_dispute_modal(channel_id, title))


def _visible(session: Session, command: dict[str, Any], context: BoltContext, reference: str) -> Dispute:
    """The dispute, if the person may see it: a party, or someone in its channel."""
    dispute = _by_reference(session, command, context, reference)
    actor: Person = context["actor"]
    if dispute.party_of(actor.team_id, actor.user_id) is None and command["channel_id"] != dispute.channel_id:
        raise NotAllowed(messages.only_parties_or_channel(dispute))
    return dispute


def _by_reference(session: Session, command: dict[str, Any], context: BoltContext, reference: str) -> Dispute:
    """D-7 as this channel and this installation mean it (disputes.get_by_reference)."""
    home = channel_provider(session, context, command["channel_id"])
    return service.get_by_reference(
        session, home, reference, carrier=host_team_id(context), channel=command["channel_id"]
    )


def _show(command: dict[str, Any], context: BoltContext, reference: str) -> None:
    deps = deps_of(context)
    with deps.db.read() as session:
        dispute = _visible(session, command, context, reference)
        agreement = agreements.latest(session, dispute.id)
        view = approval_view(deps.directory, dispute, agreement) if agreement else None
        blocks = show_dispute(dispute, agreement, view, card_names(deps.directory, dispute))
    reply(command["response_url"], show_text(dispute), blocks)


def _export(client: WebClient, command: dict[str, Any], context: BoltContext, reference: str) -> None:
    """Only parties (and the workspace's admins) may export; the client side's record leaves out
    what is internal to the provider's team (bot/records/export_access.py). A replayed command sends
    no second file."""
    deps = deps_of(context)
    if not first_delivery(deps.db, command):
        return
    host = host_team_id(context)
    person = deps.directory.person(command["user_id"], fallback=context["actor"])
    is_admin = deps.directory.is_admin_of(person.user_id, host)
    with deps.db.snapshot() as session:  # the trail and the rows it speaks of agree
        dispute = _by_reference(session, command, context, reference)
        internal = export_access.full_record_for(dispute, person, is_admin=is_admin)
        gathered = history.gather(session, dispute)
        kept = {i.label: i.stored_ref for i in exported_evidence(gathered.evidence) if i.stored_ref}
        # The documents read the same for both organizations: in the channel's language.
        documents_language = languages.of_channel(session, dispute.team_id, dispute.channel_id)
    # What was read is all loaded; names come from Slack now that the session is closed, and the
    # evidence's copies from their store (a bucket, perhaps: not inside the snapshot's read).
    copies = _copies(deps, kept)
    names = deps.directory
    with i18n.use(documents_language):
        document = export_markdown(
            dispute,
            gathered,
            internal=internal,
            name=names.describe,
            provider=names.team_name(dispute.team_id),
        )
    exported_at = utcnow()
    record = dispute_record(
        dispute,
        gathered,
        internal=internal,
        name=names.name_of,
        team_name=names.team_name,
        exported_at=exported_at,
    )
    dm = client.conversations_open(users=person.user_id)["channel"]["id"]
    file = export_file(dispute, internal, evidence=len(copies))
    with i18n.use(documents_language):
        pdf = export_pdf(record)
    # Translators: {title} is the exported record's title, such as "D-7: full record".
    markdown_title = _("{title} (Markdown)").format(title=file.title)
    uploads: list[dict[str, Any]] = [
        {"content": document, "filename": file.filename, "title": markdown_title},
        {"content": pdf, "filename": file.pdf_filename, "title": _("{title} (PDF)").format(title=file.title)},
    ]
    if copies:
        uploads.append(
            {
                "content": export_bundle(record, pdf, copies, exported_at),
                "filename": f"{dispute.reference}-record-bundle.zip",
                "title": _("{title} (bundle with evidence)").format(title=file.title),
            }
        )
    client.files_upload_v2(channel=dm, initial_comment=file.comment, file_uploads=uploads)
    reply(command["response_url"], file.where)


def _copies(deps: Deps, kept: dict[str, str]) -> dict[str, bytes]:
    """Each item's copy, by its label; one its store cannot give now is left out of the bundle
    (`parley verify` then says it is missing), never the whole export."""
    copies: dict[str, bytes] = {}
    with deps.db.read() as session:
        for label, ref in kept.items():
            try:
                found = deps.store.get(session, ref)
            except StoreError as error:
                log.error("an evidence copy could not be read for an export: %s", error)
                continue
            if found is not None:
                copies[label] = found
    return copies


def _verify(command: dict[str, Any], context: BoltContext, given: str) -> None:
    """`/dispute verify <hash>`: privately, whether it is the content hash of an agreement in
    effect that this installation may reach."""
    answer = command["response_url"]
    wanted = given.lower()
    if not HASH.fullmatch(wanted):
        reply(answer, messages.hash_shape(given))
        return
    deps = deps_of(context)
    with deps.db.read() as session:
        found = agreements.ratified_with_hash(
            session, wanted, reachable=service.reachable_from(host_team_id(context))
        )
        dispute = session.get(Dispute, found.dispute_id) if found is not None else None
        actor: Person = context["actor"]
        if (
            found is None
            or dispute is None
            or not (dispute.party_of(actor.team_id, actor.user_id) or actor.team_id == dispute.team_id)
        ):
            reply(answer, messages.hash_unknown())  # nothing said of others' agreements
            return
        valid = agreements.approval_state(dispute, found).valid
        people = [(a.team_id, a.user_id, a.at) for a in valid]
        reference, label, since = dispute.reference, found.label, found.ratified_at
    # Translators: who approved an agreement, and when: "Sam (Studio) on 2024-05-02 14:30 UTC".
    approved = _("{person} on {when} UTC")
    by = [
        approved.format(person=deps.directory.describe(team, user), when=f"{at:%Y-%m-%d %H:%M}")
        for team, user, at in people
    ]
    # Translators: {when} is a date and time, such as 2024-05-02 14:30.
    in_effect = _("{when} UTC").format(when=f"{since:%Y-%m-%d %H:%M}")
    reply(answer, messages.hash_found(reference, label, in_effect, by))


def on_raise(body: dict[str, Any], client: WebClient) -> None:
    """The "Raise a dispute" button of Parley's channel welcome (the client side's way in)."""
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if not channel_id or not body.get("trigger_id"):
        tell_privately(client, body, messages.stale_button())
        return
    _open_form(client, body["trigger_id"], channel_id)


def check_form(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = decode(OpenDisputeMeta, view.get("private_metadata"))
    if meta is None:
        ack(response_action="errors", errors={ids.B_TITLE: messages.form_out_of_date_command()})
        return
    actor: Person = context["actor"]
    deps = deps_of(context)
    form = read_form(view["state"]["values"])
    with deps.db.read() as session:  # one indexed read: whose channel it is, as it stands
        provider = channel_provider(session, context, meta.channel_id)
    result = validate(
        form,
        opener_id=actor.user_id,
        host_team_id=provider,
        channel_id=meta.channel_id,
        directory=deps.directory,
    )
    if isinstance(result, dict):
        ack(response_action="errors", errors=result)
        return
    context["form"] = {"new": result}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    """The dispute, its card and its welcome are saved together; the card is posted after the
    commit. If Slack does not take it at once, the dispute stands (with its reference) and the
    card follows as soon as Slack answers; the person is told so privately."""
    deps = deps_of(context)
    new: service.NewDispute = context["form"]["new"]
    actor: Person = context["actor"]
    host = deps.membership.host(client, new.channel_id)  # asked before the transaction
    for other in new.others:  # their organizations' calendars, before their first turn begins
        learn_calendar(deps, other.person)
    try:
        with deps.unit_of_work() as session:
            # The dispute is the channel's provider organization's, whoever opens it (the first
            # dispute in a channel Parley never saw joining makes its host's workspace it, or
            # else the opener's).
            home = settle_provider(session, context, new.channel_id, actor, host)
            seal = effective_policy(session, home, new.channel_id).seal_perspectives
            opened = opening.open_with_account(session, replace(new, host_team_id=home), seal=seal)
            dispute = opened.dispute
            logs.bind(dispute=dispute.reference)
            card = outbox.say(session, dispute, MessageKind.CARD, notify=actor)
            outbox.say(session, dispute, MessageKind.WELCOME, notify=actor)
            for account in opened.account.to_post:  # sealing off: the opener's side, posted
                outbox.say(session, dispute, MessageKind.PERSPECTIVE, perspective=account.id)
    except DomainError as refused:  # the channel's provider changed since the form's check
        tell_privately(
            client,
            {"user": {"id": actor.user_id}, "channel": {"id": new.channel_id}},
            not_opened(refused.message, new.description),
        )
        return
    with deps.db.read() as session:
        waiting = outbox.still_waiting(session, card.id)
    if waiting and not tell_privately(
        client,
        {"user": {"id": actor.user_id}, "channel": {"id": new.channel_id}},
        saved_not_posted(dispute.reference, new.channel_id),
    ):
        # Slack took neither the card nor the note (an outage): the note is owed too, after
        # the card (the outbox keeps a dispute's order), as a direct message.
        with deps.unit_of_work() as session:
            saved = session.get(Dispute, dispute.id)
            if saved is not None:  # (not erased meanwhile)
                outbox.say(session, saved, MessageKind.NOTICE_SAVED, channel_id=actor.user_id)


LISTENERS = (
    On("command", ids.COMMAND, on_command, REPEAT_IS_HARMLESS),  # but an export: see _export
    On("action", ids.RAISE_DISPUTE, on_raise, REPEAT_IS_HARMLESS),
    On("view", ids.OPEN_DISPUTE_MODAL, on_submit, ONCE, ack=check_form),
)
