"""`parley verify FILE`: an agreement certificate's attached record (bot/services/certificates.py)
against the database. Says what it matches, or each thing that differs."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services import agreements
from bot.services.certificates import ATTACHMENT, FORMAT, when
from models import Agreement, Dispute


class NotARecord(Exception):
    """The file is not something Parley made (one line for the person)."""


@dataclass(frozen=True)
class Checked:
    matches: bool
    line: str


def read_record(path: Path) -> dict[str, Any]:
    """The record attached to a certificate, or NotARecord saying why not."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        data = path.read_bytes()
    except OSError as error:
        raise NotARecord(f"cannot read {path}: {error.strerror or error}") from None
    if not data.startswith(b"%PDF-"):
        raise NotARecord(f"{path.name} is not a PDF; parley verify checks the agreement "
                         "certificates Parley uploads (…-certificate.pdf)")
    try:
        attached = PdfReader(io.BytesIO(data)).attachments.get(ATTACHMENT)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise NotARecord(f"{path.name} is not a readable PDF (it may be cut short): "
                         f"{str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    if not attached:
        raise NotARecord(f"{path.name} carries no Parley record ({ATTACHMENT}): it is not a "
                         "certificate Parley made")
    try:
        record = json.loads(attached[0])
    except ValueError:
        raise NotARecord(f"the record attached to {path.name} is not JSON") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise NotARecord(f"the record attached to {path.name} is not a Parley agreement record")
    return record


def check(session: Session, record: dict[str, Any]) -> Checked:
    try:
        d, a = record["dispute"], record["agreement"]
        team, reference, version = str(d["team_id"]), str(d["reference"]), int(a["version"])
        number = int(reference.removeprefix("D-"))
    except (KeyError, TypeError, ValueError):
        return Checked(False, "the attached record is incomplete: it names no dispute and version")
    dispute = session.scalars(select(Dispute).where(Dispute.team_id == team, Dispute.number == number)
                              .options(selectinload(Dispute.parties))).one_or_none()
    if dispute is None:
        return Checked(False, f"there is no dispute {reference} of workspace {team} in this database")
    agreement = session.scalars(
        select(Agreement).where(Agreement.dispute_id == dispute.id, Agreement.version == version)
        .options(selectinload(Agreement.items), selectinload(Agreement.approvals))).one_or_none()
    if agreement is None:
        return Checked(False, f"{reference} has no agreement v{version} in this database")
    valid = agreements.approval_state(dispute, agreement).valid
    differs = []
    if agreement.content_hash != agreements.content_hash(agreement, dispute.reference):
        differs.append("the database's own agreement no longer matches its content hash")
    if a.get("content_hash") != agreement.content_hash:
        differs.append("the content hash")
    if a.get("terms") != agreement.terms:
        differs.append("the terms")
    items = [(i.text, i.owner_team, i.owner_user, i.due_date.isoformat()) for i in agreement.items]
    shown = [(i.get("text"), (i.get("owner") or {}).get("team_id"),
              (i.get("owner") or {}).get("user_id"), i.get("due")) for i in a.get("action_items", [])]
    if shown != items:
        differs.append("the action items")
    if a.get("ratified_at") != when(agreement.ratified_at):
        differs.append("when it took effect")
    approvals = [(x.team_id, x.user_id, when(x.at), x.version, x.content_hash) for x in valid]
    listed = [(x.get("team_id"), x.get("user_id"), x.get("at"), x.get("version"), x.get("content_hash"))
              for x in record.get("approvals", [])]
    if listed != approvals:
        differs.append("the approvals")
    if differs:
        return Checked(False, f"{reference} agreement v{version} differs from Parley's record: "
                              + ", ".join(differs))
    names = {(x.get("team_id"), x.get("user_id")): f"{x.get('name')} ({x.get('organization')})"
             for x in record.get("approvals", [])}
    by = ", ".join(f"{names.get((x.team_id, x.user_id), x.user_id)} at {_stamp(x.at)}" for x in valid)
    since = _stamp(agreement.ratified_at) if agreement.ratified_at else "not in effect"
    return Checked(True, f"Matches {reference} (workspace {team}) agreement v{version}, in effect "
                         f"since {since}, approved by {by}.")


def _stamp(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
