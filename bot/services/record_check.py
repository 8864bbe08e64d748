"""`parley verify FILE`: the record attached to an agreement certificate
(bot/services/certificates.py) or to an exported record (bot/services/export_record.py, checked
in bot/services/export_check.py) against the database. Says what it matches, or each thing
that differs."""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services import agreements
from bot.services.certificates import ATTACHMENT, FORMAT, money, when
from bot.services.export_record import FORMAT as EXPORT_FORMAT
from models import Agreement, AgreementStatus, Approval, AuditEvent, Dispute

TEAM = re.compile(r"[A-Z0-9]{1,32}")  # a Slack workspace id (T…, or E… for a Grid org)


class NotARecord(Exception):
    """The file is not something Parley made (one line for the person)."""


@dataclass(frozen=True)
class Checked:
    matches: bool
    line: str


def read_record(path: Path) -> dict[str, Any]:
    """The record attached to a certificate, or NotARecord saying why not."""
    from pypdf import PdfReader

    try:
        data = path.read_bytes()
    except OSError as error:
        raise NotARecord(f"cannot read {path}: {error.strerror or error}") from None
    if not data.startswith(b"%PDF-"):
        raise NotARecord(f"{path.name} is not a PDF; parley verify checks the agreement "
                         "certificates (…-certificate.pdf) and exported records (…-record.pdf) "
                         "Parley makes")
    try:
        attached = PdfReader(io.BytesIO(data)).attachments.get(ATTACHMENT)
    except Exception as error:  # noqa: BLE001 - any broken PDF (pypdf's own errors too): one line
        said = str(error).splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotARecord(f"{path.name} is not a readable PDF (it may be cut short): {said}") from None
    if not attached:
        raise NotARecord(f"{path.name} carries no Parley record ({ATTACHMENT}): it is not a "
                         "certificate or an exported record Parley made")
    try:
        record = json.loads(attached[0])
    except (ValueError, RecursionError, TypeError):
        raise NotARecord(f"the record attached to {path.name} is not JSON") from None
    if not isinstance(record, dict) or record.get("format") not in {FORMAT, EXPORT_FORMAT}:
        raise NotARecord(f"the record attached to {path.name} is not a Parley record")
    return record


def shape_checked(check: Callable[[Session, dict[str, Any]], Checked]
                  ) -> Callable[[Session, dict[str, Any]], Checked]:
    """Only the attached record is compared (it is what the PDF's text was drawn from); one
    that is not in the shape Parley writes is said so in one line."""
    @functools.wraps(check)
    def checked(session: Session, record: dict[str, Any]) -> Checked:
        try:
            return check(session, record)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
            return Checked(False, "the attached record is not in the shape Parley writes")
    return checked


def dispute_named(session: Session, record: dict[str, Any]) -> Dispute | str:
    """The dispute the record names (its parties loaded), or what is wrong with the name."""
    d = record["dispute"]
    team, reference = str(d["team_id"]), str(d["reference"])
    digits = reference.removeprefix("D-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9) or \
            not TEAM.fullmatch(team):
        return "the attached record names no dispute Parley could have"
    dispute = session.scalars(select(Dispute).where(Dispute.team_id == team,
                                                    Dispute.number == int(digits))
                              .options(selectinload(Dispute.parties))).one_or_none()
    return dispute or f"there is no dispute {reference} of workspace {team} in this database"


@shape_checked
def check(session: Session, record: dict[str, Any]) -> Checked:
    """An agreement certificate's record."""
    d, a = record["dispute"], record["agreement"]
    team, reference, version = str(d["team_id"]), str(d["reference"]), a["version"]
    if type(version) is not int:
        return Checked(False, "the attached record names no dispute and version Parley could have")
    dispute = dispute_named(session, record)
    if isinstance(dispute, str):
        return Checked(False, dispute)
    agreement = session.scalars(
        select(Agreement).where(Agreement.dispute_id == dispute.id, Agreement.version == version)
        .options(selectinload(Agreement.items), selectinload(Agreement.approvals))).one_or_none()
    if agreement is None:
        return Checked(False, f"{reference} has no agreement v{version} in this database")
    if agreement.status != AgreementStatus.RATIFIED:
        return Checked(False, f"{reference} agreement v{version} never took effect "
                              f"(it is {agreement.status})")
    valid = agreements.approval_state(dispute, agreement).valid
    differs = [what for what, same in _comparisons(session, record, dispute, agreement, valid)
               if not same]
    if differs:
        return Checked(False, f"{reference} agreement v{version} differs from Parley's record: "
                              + ", ".join(differs))
    names = {(x["team_id"], x["user_id"]): f"{x['name']} ({x['organization']})"
             for x in record["approvals"]}
    return Checked(True, f"Matches {reference} (workspace {team}) agreement v{version}, in effect "
                         f"since {at_minute(agreement.ratified_at)}, approved by "
                         f"{approved_by(valid, names)}.")


def _comparisons(session: Session, record: dict[str, Any], dispute: Dispute,
                 agreement: Agreement, valid: list[Any]) -> list[tuple[str, bool]]:
    d, a = record["dispute"], record["agreement"]
    compensation = money(agreement.amount, agreement.currency)
    parties = sorted((p.team_id, p.user_id, p.side) for p in dispute.parties)
    shown_parties = sorted((p["team_id"], p["user_id"], p["side"]) for p in record["parties"]) + \
        sorted((m["team_id"], m["user_id"], "mediator") for m in record["mediators"])
    head = record.get("audit_trail_head")
    in_chain = head is not None and session.scalar(
        select(AuditEvent.id).where(AuditEvent.dispute_id == dispute.id,
                                    AuditEvent.hash == head)) is not None
    return [
        ("the database's own agreement no longer matches its content hash",
         agreement.content_hash == agreements.content_hash(agreement, dispute.reference)),
        ("the content hash", a["content_hash"] == agreement.content_hash),
        ("the dispute's title, channel or date",
         (d["title"], d["channel_id"], d["opened_at"]) ==
         (dispute.title, dispute.channel_id, when(dispute.created_at))),
        ("the terms", a["terms"] == agreement.terms),
        ("the compensation", a["compensation"] == compensation),
        ("the action items",
         [(i["text"], i["owner"]["team_id"], i["owner"]["user_id"], i["due"]) for i in a["action_items"]]
         == [(i.text, i.owner_team, i.owner_user, i.due_as_agreed.isoformat()) for i in agreement.items]),
        ("when it took effect", a["ratified_at"] == when(agreement.ratified_at)),
        ("the parties", shown_parties == sorted(parties)),
        ("the approvals",
         [(x["team_id"], x["user_id"], x["at"], x["version"], x["content_hash"]) for x in record["approvals"]]
         == [(x.team_id, x.user_id, when(x.at), x.version, x.content_hash) for x in valid]),
        ("the audit trail's hash (it is not in this dispute's trail)", in_chain),
    ]


def approved_by(valid: list[Approval], names: dict[tuple[str, str], str]) -> str:
    return ", ".join(f"{names.get((x.team_id, x.user_id), x.user_id)} at {at_minute(x.at)}"
                     for x in valid)


def at_minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
