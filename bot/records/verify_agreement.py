"""`parley verify FILE`: the record attached to an agreement certificate
(bot/records/agreement.py) or to an exported record (bot/records/export.py, checked
in bot/records/verify_export.py) against the database. Says what it matches, or each thing
that differs, in one line.

What the line says it matched comes from the database's rows. People's names do not: the
database holds Slack ids (team, user), the names in a file came from Slack when it was made; so a
name is shown as the file's, quoted, and marked as not checked. Anything echoed from the file
passes through bot/terminal.py. A value the record would put into a query is checked first, so a
malformed one (a version of 2**63, a list for a hash) is the file's fault (exit 1), never the
database's (exit 2)."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, selectinload

from bot.payloads import MAX_DB_ID
from bot.records.agreement import ATTACHMENT, FORMAT, evidence_then, money, when
from bot.records.export import FORMAT as EXPORT_FORMAT
from bot.services import agreements, evidence, settlements
from bot.terminal import one_line, quoted
from models import Agreement, AgreementStatus, Approval, AuditEvent, Dispute, EvidenceStatus

TEAM = re.compile(r"[A-Z0-9]{1,32}")  # a Slack workspace id (T…, or E… for a Grid org)
HASH = re.compile(r"[0-9a-f]{64}")  # SHA-256, as Parley writes it
REFERENCE = re.compile(r"(?:D-)?([0-9]{1,9})")  # beyond 9 digits no dispute number (or column) goes
NAME_LIMIT = 80  # characters of a person's name or of a file's name echoed from a file
PATH_LIMIT = 240  # … and of a path given on the command line
# The largest file read. A certificate is ~35 KB; an exported record ~170 bytes per audit event
# (380 KB for 2,000 events, measured in issue 25): 25 MB is some 65 times the longest export
# Parley has been seen to make, yet small enough to hold in memory at once. (pypdf then caps
# each stream it inflates at 75 MB, pypdf.Configuration.)
MAX_FILE_BYTES = 25 * 2**20
READS = "parley verify reads a certificate or an exported record, a PDF file"
SHAPE = "the attached record is not in the shape Parley writes"


class NotARecord(Exception):
    """The file is not something Parley made (one line for the person)."""


@dataclass(frozen=True)
class Checked:
    matches: bool
    line: str


def read_record(path: Path) -> dict[str, Any]:
    """The record attached to a certificate, or NotARecord saying why not."""
    from pypdf import PdfReader

    data = read_bounded(path)
    name = one_line(path.name, limit=NAME_LIMIT)
    if not data.startswith(b"%PDF-"):
        raise NotARecord(
            f"{name} is not a PDF; parley verify checks the agreement "
            "certificates (…-certificate.pdf) and exported records (…-record.pdf) "
            "Parley makes"
        )
    try:
        attached = PdfReader(io.BytesIO(data)).attachments.get(ATTACHMENT)
    except Exception as error:  # noqa: BLE001 - any broken PDF (pypdf's own errors too): one line
        said = str(error).strip() or type(error).__name__
        raise NotARecord(
            f"{name} is not a readable PDF (it may be cut short): {one_line(said, limit=200)}"
        ) from None
    if not attached:
        raise NotARecord(
            f"{name} carries no Parley record ({ATTACHMENT}): it is not a "
            "certificate or an exported record Parley made"
        )
    try:
        record = json.loads(attached[0])
    except (ValueError, RecursionError, TypeError):
        raise NotARecord(f"the record attached to {name} is not JSON") from None
    if not isinstance(record, dict) or record.get("format") not in {FORMAT, EXPORT_FORMAT}:
        raise NotARecord(f"the record attached to {name} is not a Parley record")
    return record


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, if it is a regular file of at most `limit` bytes (MAX_FILE_BYTES). A named pipe would
    block a plain open() until a writer came, and /dev/zero (or a file growing as we read)
    would never end, so: refuse what is not a regular file before opening it, open without
    blocking, check again what was opened (it may have been swapped since), and read at most
    one byte more than the bound."""
    shown = one_line(str(path), limit=PATH_LIMIT)
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise NotARecord(f"{shown} is {kind}; {READS}")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise NotARecord(f"cannot read {shown}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        kind = _not_regular(info.st_mode)
        if kind:
            raise NotARecord(f"{shown} is {kind}; {READS}")
        too_big = NotARecord(
            f"{shown} is larger than {limit // 2**20} MB: no "
            "certificate, exported record or bundle Parley makes is near that size"
        )
        if info.st_size > limit:
            raise too_big
        try:
            data = file.read(limit + 1)
        except OSError as error:
            raise NotARecord(f"cannot read {shown}: {error.strerror or error}") from None
    if len(data) > limit:  # it grew while we read it
        raise too_big
    return data


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return (
        "a directory"
        if stat.S_ISDIR(mode)
        else "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )


def bounded_int(value: Any) -> bool:
    """An integer that fits PostgreSQL's `integer` and counts from 1 (a version, a number).
    Checked before it reaches a query: SQLite cannot bind 2**63 (OverflowError) and
    PostgreSQL refuses anything beyond 2**31 - 1 for an `integer` column."""
    return type(value) is int and 1 <= value <= MAX_DB_ID


def shape_checked(
    check: Callable[[Session, dict[str, Any]], Checked],
) -> Callable[[Session, dict[str, Any]], Checked]:
    """Only the attached record is compared (it is what the PDF's text was drawn from); one
    that is not in the shape Parley writes is said so in one line."""

    @functools.wraps(check)
    def checked(session: Session, record: dict[str, Any]) -> Checked:
        try:
            return check(session, record)
        except (
            LookupError,
            TypeError,
            ValueError,
            AttributeError,
            RecursionError,
            ArithmeticError,
            DataError,
        ):
            # Values that reach a query are checked first (bounded_int, HASH, TEAM); should one
            # slip through, the database refusing it (DataError) is still the file's fault.
            return Checked(False, SHAPE)

    return checked


def dispute_named(session: Session, record: dict[str, Any]) -> Dispute | str:
    """The dispute the record names (its parties loaded), or what is wrong with the name."""
    d = record["dispute"]
    team, reference = d["team_id"], d["reference"]
    number = REFERENCE.fullmatch(reference) if isinstance(reference, str) else None
    if not (number and isinstance(team, str) and TEAM.fullmatch(team)):
        return "the attached record names no dispute Parley could have"
    dispute = session.scalars(
        select(Dispute)
        .where(Dispute.team_id == team, Dispute.number == int(number[1]))
        .options(selectinload(Dispute.parties))
    ).one_or_none()
    return dispute or f"there is no dispute D-{int(number[1])} of workspace {team} in this database"


@shape_checked
def check(session: Session, record: dict[str, Any]) -> Checked:
    """An agreement certificate's record."""
    version, head = record["agreement"]["version"], record.get("audit_trail_head")
    if not bounded_int(version):
        return Checked(False, "the attached record names no dispute and version Parley could have")
    if head is not None and not (isinstance(head, str) and HASH.fullmatch(head)):
        return Checked(False, SHAPE)
    dispute = dispute_named(session, record)
    if isinstance(dispute, str):
        return Checked(False, dispute)
    reference = dispute.reference
    agreement = session.scalars(
        select(Agreement)
        .where(Agreement.dispute_id == dispute.id, Agreement.version == version)
        .options(selectinload(Agreement.items), selectinload(Agreement.approvals))
    ).one_or_none()
    if agreement is None:
        return Checked(False, f"{reference} has no agreement v{version} in this database")
    if agreement.status != AgreementStatus.RATIFIED:
        return Checked(
            False, f"{reference} agreement v{version} never took effect (it is {agreement.status})"
        )
    valid = agreements.approval_state(dispute, agreement).valid
    differs = [what for what, same in _comparisons(session, record, dispute, agreement, valid) if not same]
    if differs:
        return Checked(
            False, f"{reference} agreement v{version} differs from Parley's record: " + ", ".join(differs)
        )
    # Every word of this line is the database's, but for the names the file gives people.
    return Checked(
        True,
        f"Matches {reference} (workspace {dispute.team_id}) agreement "
        f"v{agreement.version}, in effect since "
        f"{at_minute(agreement.ratified_at)}, approved by "
        f"{approved_by(valid, names_in(record['approvals']))}.",
    )


def _comparisons(
    session: Session, record: dict[str, Any], dispute: Dispute, agreement: Agreement, valid: list[Any]
) -> list[tuple[str, bool]]:
    d, a = record["dispute"], record["agreement"]
    compensation = money(agreement.amount, agreement.currency)
    parties = sorted((p.team_id, p.user_id, p.side) for p in dispute.parties)
    shown_parties = sorted((p["team_id"], p["user_id"], p["side"]) for p in record["parties"]) + sorted(
        (m["team_id"], m["user_id"], "mediator") for m in record["mediators"]
    )
    head = record.get("audit_trail_head")
    in_chain = (
        head is not None
        and session.scalar(
            select(AuditEvent.id).where(AuditEvent.dispute_id == dispute.id, AuditEvent.hash == head)
        )
        is not None
    )
    return [
        (
            "the database's own agreement no longer matches its content hash",
            agreement.content_hash == agreements.content_hash(agreement, dispute.reference),
        ),
        ("the content hash", a["content_hash"] == agreement.content_hash),
        (
            "the dispute's title, channel or date",
            (d["title"], d["channel_id"], d["opened_at"])
            == (dispute.title, dispute.channel_id, when(dispute.created_at)),
        ),
        ("the terms", a["terms"] == agreement.terms),
        ("the compensation", a["compensation"] == compensation),
        (
            "the action items",
            [(i["text"], i["owner"]["team_id"], i["owner"]["user_id"], i["due"]) for i in a["action_items"]]
            == [(i.text, i.owner_team, i.owner_user, i.due_as_agreed.isoformat()) for i in agreement.items],
        ),
        ("when it took effect", a["ratified_at"] == when(agreement.ratified_at)),
        ("the parties", shown_parties == sorted(parties)),
        (
            "the approvals",
            [
                (x["team_id"], x["user_id"], x["at"], x["version"], x["content_hash"])
                for x in record["approvals"]
            ]
            == [(x.team_id, x.user_id, when(x.at), x.version, x.content_hash) for x in valid],
        ),
        (
            "the evidence on record",
            _evidence_listed(record) == _evidence_held(session, dispute, agreement, head),
        ),
        (
            "how its amount was found",
            bool(record.get("settled_privately")) == settlements.settled_privately(session, agreement),
        ),
        ("the audit trail's hash (it is not in this dispute's trail)", in_chain),
    ]


def _evidence_listed(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A record from before evidence was listed has none, and so must the database."""
    listed = record.get("evidence", [])
    return [
        (
            e["item"],
            e["kind"],
            e["name"],
            e["side"],
            e["added_by"]["team_id"],
            e["added_by"]["user_id"],
            e["added_at"],
            e["sha256"],
            e["size"],
            e["copied"],
        )
        for e in listed
    ]


def _evidence_held(
    session: Session, dispute: Dispute, agreement: Agreement, head: str | None
) -> list[tuple[Any, ...]]:
    events = list(
        session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute.id).order_by(AuditEvent.id))
    )
    items = evidence_then(evidence.on_record(session, dispute.id), events, head, agreement.ratified_at)
    return [
        (
            i.label,
            i.kind,
            i.name,
            i.side,
            i.added_by_team,
            i.added_by_user,
            when(i.added_at),
            i.sha256,
            i.size if i.status == EvidenceStatus.KEPT else None,
            i.status == EvidenceStatus.KEPT,
        )
        for i in items
    ]


def names_in(people: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The names a record gives people, by Slack ids (from Slack when the file was made; the
    database has none to hold them against)."""
    return {(x["team_id"], x["user_id"]): x["name"] for x in people if isinstance(x.get("name"), str)}


def approved_by(valid: list[Approval], names: dict[tuple[str, str], str]) -> str:
    """Who approved and when, as the database's approvals say: Slack ids. A name is the file's
    own and said so, so that a file calling an approver "Mallory" cannot have Parley confirm it."""
    return ", ".join(
        f"{x.user_id} of {x.team_id}{_called(names.get((x.team_id, x.user_id)), x.user_id)}"
        f" at {at_minute(x.at)}"
        for x in valid
    )


def _called(name: str | None, user_id: str) -> str:
    if not name or name == user_id:  # no name, or the id itself (Slack did not say one)
        return ""
    return f" (the file calls them {quoted(name, limit=NAME_LIMIT)}, not checked)"


def at_minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "an unrecorded time"
