"""The agreement's written record in the thread when it takes effect: the Markdown file, the
certificate (PDF, bot/blocks/certificate_pdf.py), and what happens when Slack refuses files
there (the agreement as text, the certificate to each approver)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.agreement_doc import agreement_markdown
from bot.blocks.agreements import agreement_in_writing, certificate_comment
from bot.blocks.certificate_pdf import certificate_pdf
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Upload
from bot.services import agreements, outbox
from bot.services.certificates import agreement_record
from models import Agreement, AuditEvent, Dispute, OutboxMessage


def _agreement(ctx: Ctx) -> Agreement:
    return ctx.load(Agreement, "agreement", "agreement")


def _agreement_file(ctx: Ctx) -> Call:
    agreement = _agreement(ctx)
    events = list(ctx.session.scalars(select(AuditEvent).where(
        AuditEvent.dispute_id == ctx.d.id).order_by(AuditEvent.id)))
    valid = agreements.approval_state(ctx.d, agreement).valid
    document = agreement_markdown(ctx.d, agreement, valid, events, ctx.names.describe)
    ref = ctx.d.reference
    return Upload(document, f"{ref}-agreement-v{agreement.version}.md",
                  f"{agreement.label} for {ref}",
                  f"The written {agreement.label.lower()} for {ref}, for your records.",
                  thread_ts=ctx.thread())


def _certificate(ctx: Ctx) -> Call:
    """The agreement certificate (PDF), with its record attached (bot/services/certificates.py)."""
    agreement = _agreement(ctx)
    events = list(ctx.session.scalars(select(AuditEvent).where(
        AuditEvent.dispute_id == ctx.d.id).order_by(AuditEvent.id)))
    valid = agreements.approval_state(ctx.d, agreement).valid
    record = agreement_record(ctx.d, agreement, valid, events, name=ctx.names.name_of,
                              team_name=ctx.names.team_name, trail_head=ctx.params.get("trail"))
    ref = ctx.d.reference
    to_approver = bool(ctx.params.get("dm"))  # the thread refused files: each approver's copy
    return Upload(certificate_pdf(record), f"{ref}-agreement-v{agreement.version}-certificate.pdf",
                  f"{agreement.label} certificate for {ref}",
                  certificate_comment(ctx.d, agreement, in_dm=to_approver),
                  thread_ts=None if to_approver else ctx.thread())


def _certificate_refused(session: Session, row: OutboxMessage, reason: str) -> None:
    """Slack refused the certificate in the thread for good (file uploads off for shared
    channels, or an upload that fails there): the agreement goes into the thread as text with
    its hash, and the PDF to each approver in a direct message. Nobody is left without it."""
    if (row.params or {}).get("dm") or row.dispute_id is None:
        return
    dispute = session.get(Dispute, row.dispute_id)
    agreement = session.get(Agreement, row.params["agreement"])
    if dispute is None or agreement is None:
        return
    outbox.say(session, dispute, "agreement.text", agreement=agreement.id, reason=reason)
    for approval in agreements.approval_state(dispute, agreement).valid:
        outbox.say(session, dispute, "agreement.certificate", channel_id=approval.user_id,
                   agreement=agreement.id, trail=row.params.get("trail"), dm=True)


def _agreement_text(ctx: Ctx) -> Call:
    agreement = _agreement(ctx)
    text, blocks = agreement_in_writing(ctx.d, agreement, [
        (ctx.names.describe(i.owner_team, i.owner_user), i) for i in agreement.items])
    return Post(text, blocks, thread_ts=ctx.thread())


def _file_uploaded(session: Session, row: OutboxMessage, done: Delivered) -> None:
    agreement = session.get(Agreement, row.params["agreement"])
    if agreement is not None:
        agreement.file_id = done.file_id


RECORD_KINDS: dict[str, Kind] = {
    "agreement.file": Kind(_agreement_file, _file_uploaded),
    "agreement.certificate": Kind(_certificate, failed=_certificate_refused),
    "agreement.text": Kind(_agreement_text),
}
