"""The agreement when it takes effect: one message in the thread that says so, with the
agreement's PDF (bot/records/documents/agreement_pdf.py) attached; and what happens when Slack refuses
files there (the same message with the agreement written out, and the PDF to each approver).
The Markdown file is /dispute export's; rows of the older kinds ("agreement.file", a separate
"agreement.certificate") are still delivered as they were."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import i18n
from bot.blocks.agreements import (
    InEffect,
    agreement_in_writing,
    certificate_comment,
    in_effect,
)
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Upload
from bot.i18n import _
from bot.payloads import CheckButton
from bot.records.agreement import agreement_record, approved_how, evidence_then
from bot.records.documents.agreement_markdown import agreement_markdown
from bot.records.documents.agreement_pdf import certificate_pdf
from bot.services import agreements, evidence, languages, outbox, settlements
from bot.services.followups import next_checkin
from bot.services.message_kinds import MessageKind
from bot.services.message_params import REASON_MAX
from bot.services.people import Person
from bot.slack.sides import card_names
from models import Agreement, AuditEvent, Dispute, OutboxMessage, Side


def _agreement(ctx: Ctx) -> Agreement:
    return ctx.load(Agreement, "agreement", "agreement")


def _events(ctx: Ctx) -> list[AuditEvent]:
    return list(
        ctx.session.scalars(
            select(AuditEvent).where(AuditEvent.dispute_id == ctx.d.id).order_by(AuditEvent.id)
        )
    )


def _pdf(ctx: Ctx, agreement: Agreement) -> tuple[bytes, str]:
    """The agreement's PDF, its record attached (bot/records/agreement.py), and its name."""
    valid = agreements.approval_state(ctx.d, agreement).valid
    events = _events(ctx)
    record = agreement_record(
        ctx.d,
        agreement,
        valid,
        events,
        name=ctx.names.name_of,
        team_name=ctx.names.team_name,
        trail_head=ctx.params.get("trail"),
        evidence=evidence_then(
            evidence.on_record(ctx.session, ctx.d.id), events, ctx.params.get("trail"), agreement.ratified_at
        ),
        settled_privately=settlements.settled_privately(ctx.session, agreement),
    )
    with i18n.use(languages.of_channel(ctx.session, ctx.d.team_id, ctx.d.channel_id)):  # as in the thread
        pdf = certificate_pdf(record)
    return pdf, f"{ctx.d.reference}-agreement-v{agreement.version}-certificate.pdf"


def _said(ctx: Ctx, agreement: Agreement) -> InEffect:
    names = card_names(ctx.names, ctx.d)
    state = agreements.approval_state(ctx.d, agreement)
    how = approved_how(_events(ctx), agreement.version)
    return InEffect(
        between=(names.org(Side.PROVIDER), names.org(Side.CLIENT)),
        approved=[
            (ctx.names.describe(a.team_id, a.user_id), a.at, how.get((a.team_id, a.user_id)))
            for a in state.valid
        ],
        items=[(ctx.names.describe(i.owner_team, i.owner_user), i) for i in agreement.items],
        next_checkin=next_checkin(ctx.session, ctx.d.id),
        check=CheckButton(d=ctx.d.id, a=agreement.id, t=ctx.params.get("trail")).encode(),
    )


def _in_effect(ctx: Ctx) -> Call:
    """The agreement is in effect: said once in the thread, with its PDF attached."""
    agreement = _agreement(ctx)
    pdf, filename = _pdf(ctx, agreement)
    text, blocks = in_effect(ctx.d, agreement, _said(ctx, agreement))
    if ctx.params.get("plain"):  # Slack refused the blocks of a file share: without the button
        blocks = [b for b in blocks if b.get("type") != "actions"]
    return Upload(pdf, filename, _file_title(ctx, agreement), text, thread_ts=ctx.thread(), blocks=blocks)


def _file_title(ctx: Ctx, agreement: Agreement) -> str:
    """The title of the agreement's file in Slack ("Agreement v1 for D-7")."""
    return _("Agreement v{version} for {ref}").format(version=agreement.version, ref=ctx.d.reference)


BLOCKS_REFUSED = frozenset({"invalid_blocks", "invalid_blocks_format"})


def _in_effect_refused(session: Session, row: OutboxMessage, reason: str) -> None:
    """Slack refused the file in the thread for good (uploads off for shared channels): the
    message goes into the thread with the agreement written out, and the PDF to each approver
    in a direct message. Nobody is left without it."""
    if row.dispute_id is None:
        return
    dispute = session.get(Dispute, row.dispute_id)
    agreement = session.get(Agreement, row.params["agreement"])
    if dispute is None or agreement is None:
        return
    if reason in BLOCKS_REFUSED and not row.params.get("plain"):
        # Slack documents a file share's blocks loosely ("rich text blocks"): if it will not
        # take the "How to check this record" button there, the same share goes without it.
        outbox.say(
            session,
            dispute,
            MessageKind.AGREEMENT_IN_EFFECT,
            agreement=agreement.id,
            trail=row.params.get("trail"),
            tell=row.params.get("tell"),
            plain=True,
        )
        return
    tell = row.params.get("tell")
    notify = Person(team_id=tell[0], user_id=tell[1]) if isinstance(tell, list) and len(tell) == 2 else None
    outbox.say(
        session,
        dispute,
        MessageKind.AGREEMENT_IN_EFFECT_TEXT,
        agreement=agreement.id,
        trail=row.params.get("trail"),
        reason=reason[:REASON_MAX],
        notify=notify,
    )
    _certificate_to_each_approver(session, dispute, agreement, row.params.get("trail"))


def _in_effect_text(ctx: Ctx) -> Call:
    agreement = _agreement(ctx)
    text, blocks = in_effect(ctx.d, agreement, _said(ctx, agreement), attached=False)
    _, written = agreement_in_writing(
        ctx.d, agreement, [(ctx.names.describe(i.owner_team, i.owner_user), i) for i in agreement.items]
    )
    return Post(text, (blocks + written)[:50], thread_ts=ctx.thread(), witness=ctx.params.get("trail"))


def _certificate(ctx: Ctx) -> Call:
    """The agreement's PDF alone: to an approver, when the thread refused it (or, for rows from
    before it came with the "in effect" message, in the thread)."""
    agreement = _agreement(ctx)
    pdf, filename = _pdf(ctx, agreement)
    to_approver = bool(ctx.params.get("dm"))
    return Upload(
        pdf,
        filename,
        _file_title(ctx, agreement),
        certificate_comment(ctx.d, agreement, in_dm=to_approver),
        thread_ts=None if to_approver else ctx.thread(),
    )


def _agreement_file(ctx: Ctx) -> Call:
    """(Rows from before the Markdown file went only with /dispute export.)"""
    agreement = _agreement(ctx)
    valid = agreements.approval_state(ctx.d, agreement).valid
    document = agreement_markdown(ctx.d, agreement, valid, _events(ctx), ctx.names.describe)
    ref = ctx.d.reference
    return Upload(
        document,
        f"{ref}-agreement-v{agreement.version}.md",
        _file_title(ctx, agreement),
        _("The written agreement v{version} for {ref}, for your records.").format(
            version=agreement.version, ref=ref
        ),
        thread_ts=ctx.thread(),
    )


def _file_uploaded(session: Session, row: OutboxMessage, done: Delivered) -> None:
    agreement = session.get(Agreement, row.params["agreement"])
    if agreement is not None:
        agreement.file_id = done.file_id


def _certificate_to_each_approver(
    session: Session, dispute: Dispute, agreement: Agreement, trail: str | None
) -> None:
    """The certificate in a direct message to each approver (the thread would not take it)."""
    for approval in agreements.approval_state(dispute, agreement).valid:
        outbox.say(
            session,
            dispute,
            MessageKind.AGREEMENT_CERTIFICATE,
            channel_id=approval.user_id,
            agreement=agreement.id,
            trail=trail,
            dm=True,
        )


def _old_certificate_refused(session: Session, row: OutboxMessage, reason: str) -> None:
    """(A thread certificate row from before: refused, it goes to each approver.)"""
    if (row.params or {}).get("dm") or row.dispute_id is None:
        return
    dispute = session.get(Dispute, row.dispute_id)
    agreement = session.get(Agreement, row.params["agreement"])
    if dispute is None or agreement is None:
        return
    outbox.say(
        session, dispute, MessageKind.AGREEMENT_TEXT, agreement=agreement.id, reason=reason[:REASON_MAX]
    )
    _certificate_to_each_approver(session, dispute, agreement, row.params.get("trail"))


def _agreement_text(ctx: Ctx) -> Call:
    """(Rows from before: the agreement written out, after a refused certificate.)"""
    agreement = _agreement(ctx)
    text, blocks = agreement_in_writing(
        ctx.d, agreement, [(ctx.names.describe(i.owner_team, i.owner_user), i) for i in agreement.items]
    )
    return Post(text, blocks, thread_ts=ctx.thread())


RECORD_KINDS: dict[str, Kind] = {
    "agreement.in_effect": Kind(_in_effect, _file_uploaded, failed=_in_effect_refused),
    "agreement.in_effect.text": Kind(_in_effect_text),
    "agreement.certificate": Kind(_certificate, failed=_old_certificate_refused),
    "agreement.file": Kind(_agreement_file, _file_uploaded),
    "agreement.text": Kind(_agreement_text),
}
