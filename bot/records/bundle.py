"""An export's bundle: one ZIP with the exported record as a PDF and as JSON, and the evidence
files as Parley keeps them; and `parley verify` of a bundle.

    README.txt     what the bundle holds, in words
    record.json    the exported record (bot/records/export.py), canonical JSON
    record.pdf     the same record as a PDF, the JSON attached
    evidence/E1-brief-v2.pdf, evidence/E3-slack-message.json, …

Each evidence file's name is made of safe characters only (export.bundle_path), so no tool can
extract it outside its folder; Parley itself never extracts a bundle: it reads each entry in
memory and hashes it. A bundle verifies when its record matches the database (as an exported
record does: its list of evidence, with each item's SHA-256, is the audit trail's), every file
the record lists is there with that SHA-256, and nothing else is in it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.i18n import _, ngettext
from bot.records.agreement import ATTACHMENT, canonical
from bot.records.verify_agreement import NAME_LIMIT, Checked, NotARecord, read_bounded
from bot.records.verify_export import check_export
from bot.terminal import quoted

RECORD, PDF, README = "record.json", "record.pdf", "README.txt"
MAX_BUNDLE_BYTES = 2**30
MAX_RECORD_BYTES = 25 * 2**20
MAX_UNPACKED_BYTES = 4 * 2**30  # what all its entries may declare, together
MAX_ENTRIES = 10_000
CHUNK = 2**20


def bundle_readme(record: dict[str, Any]) -> str:
    """README.txt: what the bundle holds, in words (in the language in use)."""
    reference = record["dispute"]["reference"]
    count = sum(1 for e in record["evidence"] if e["file"])
    return (
        _("The record of dispute {reference}, as exported from Parley.").format(reference=reference)
        + "\n\n"
        # Translators: each line of the bundle's README starts with a file's name, kept as it is.
        + _("record.pdf    the record, to read (the same record is attached to it as JSON)")
        + "\n"
        + _("record.json   the record, for software")
        + "\n"
        + ngettext(
            "evidence/     the {count} evidence file on record, exactly as Parley kept them",
            "evidence/     the {count} evidence files on record, exactly as Parley kept them",
            count,
        ).format(count=count)
        + "\n\n"
        + _(
            "Each file's SHA-256 is in record.json and in the dispute's audit trail. Whoever runs "
            "Parley can check this bundle with: parley verify <this file>"
        )
        + "\n"
    )


def export_bundle(record: dict[str, Any], pdf: bytes, copies: dict[str, bytes], made_at: datetime) -> bytes:
    """`copies`: each copied item's bytes, by its label (E1)."""
    stamp = made_at.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:

        def put(name: str, data: bytes, compress: int) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = compress
            bundle.writestr(info, data)

        put(README, bundle_readme(record).encode(), zipfile.ZIP_DEFLATED)
        put(RECORD, canonical(record), zipfile.ZIP_DEFLATED)
        put(PDF, pdf, zipfile.ZIP_STORED)
        for entry in record["evidence"]:
            if entry["file"] and entry["item"] in copies:  # a copy the store lost: verify says so
                put(entry["file"], copies[entry["item"]], zipfile.ZIP_STORED)  # kept as they came
    return out.getvalue()


@dataclass(frozen=True)
class Bundle:
    record: dict[str, Any]
    hashes: dict[str, str]  # every entry's name -> the SHA-256 of its bytes
    pdf_record: bytes | None  # the JSON attached to record.pdf


def is_bundle(path: Path) -> bool:
    """A regular file that starts as a ZIP does (anything else is read_record's to refuse, and
    a named pipe is never opened here: it would block)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with os.fdopen(fd, "rb") as file:
            return file.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def read_bundle(path: Path) -> Bundle:
    """The bundle's record and the fingerprint of each entry, or NotARecord saying why not."""
    from pypdf import PdfReader

    name = quoted(path.name, limit=NAME_LIMIT)
    data = read_bounded(path, MAX_BUNDLE_BYTES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise NotARecord(f"{name} is not a readable ZIP bundle") from None
    hashes: dict[str, str] = {}
    record_bytes = pdf = None
    out_of_bounds = NotARecord(f"{name} is not a bundle Parley made (an entry is out of bounds)")
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise out_of_bounds
    try:
        for info in infos:
            whole = info.filename in (RECORD, PDF)  # read whole: only what a record could be
            if info.filename in hashes or (whole and info.file_size > MAX_RECORD_BYTES):
                raise out_of_bounds
            digest, read = hashlib.sha256(), 0
            kept = bytearray() if whole else None
            with archive.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    read += len(chunk)
                    if read > info.file_size:  # more than it declares: not ours
                        raise out_of_bounds
                    digest.update(chunk)
                    if kept is not None:
                        kept += chunk
            hashes[info.filename] = digest.hexdigest()
            if info.filename == RECORD:
                record_bytes = bytes(kept or b"")
            elif info.filename == PDF:
                pdf = bytes(kept or b"")
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise NotARecord(f"{name} is not a readable ZIP bundle (an entry is damaged)") from None
    if record_bytes is None or len(record_bytes) > MAX_RECORD_BYTES:
        raise NotARecord(f"{name} holds no {RECORD}: it is not a bundle Parley made")
    try:
        record = json.loads(record_bytes)
    except (ValueError, RecursionError):
        raise NotARecord(f"the {RECORD} of {name} is not JSON") from None
    if not isinstance(record, dict) or record.get("format") != "parley/dispute-record":
        raise NotARecord(f"the {RECORD} of {name} is not an exported Parley record")
    attached = None
    if pdf is not None:
        try:
            found = PdfReader(io.BytesIO(pdf)).attachments.get(ATTACHMENT)
            attached = found[0] if found else None
        except Exception:  # noqa: BLE001 - any broken PDF: said below as a difference
            attached = None
    return Bundle(record, hashes, attached)


def check_bundle(session: Session, bundle: Bundle) -> Checked:
    checked = check_export(session, bundle.record)
    if not checked.matches:
        return checked
    listed = {e["file"]: e["sha256"] for e in bundle.record["evidence"] if e["file"]}
    expected = {README, RECORD, PDF, *listed}
    problems = []
    missing = sorted(set(listed) - set(bundle.hashes))
    added = sorted(set(bundle.hashes) - expected)
    changed = sorted(f for f, sha in listed.items() if f in bundle.hashes and bundle.hashes[f] != sha)
    if missing:
        problems.append(f"missing {_names(missing)}")
    if added:
        problems.append(f"holds what its record does not list: {_names(added)}")
    if changed:
        problems.append(f"{_names(changed)} differ{'s' if len(changed) == 1 else ''} from the copy on record")
    if PDF not in bundle.hashes or bundle.pdf_record != canonical(bundle.record):
        problems.append(f"its {PDF} does not carry the same record as {RECORD}")
    if problems:
        return Checked(
            False, "The bundle's record matches Parley's, but the bundle " + "; ".join(problems) + "."
        )
    count = len(listed)
    return Checked(
        True,
        f"{checked.line} The bundle's {count} evidence file{'' if count == 1 else 's'} match"
        f"{'es' if count == 1 else ''} the SHA-256 in the audit trail, and nothing is missing or added.",
    )


def _names(names: list[str]) -> str:
    shown = ", ".join(quoted(n, limit=NAME_LIMIT) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")
