"""The agreement certificate as a PDF (fpdf2): real, searchable text in the bundled DejaVu Sans
(Latin with accents, Cyrillic, Greek and more), page numbers, A4 with margins that also print on
Letter, and the record itself attached as JSON (bot/services/certificates.py), so that checking
it never depends on reading the text back. A character the font cannot draw is shown as �."""

from __future__ import annotations

import copy
import functools
import io
import threading
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.blocks.labels import SIDE_LABELS, category_label
from bot.services.certificates import ATTACHMENT, canonical, record_hash
from bot.services.vocabulary import format_amount

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
REPLACEMENT = "\ufffd"
MARGIN = 20  # mm: A4's 210 mm less two margins is narrower than Letter's 216 mm
INK, SOFT, RULE = (33, 37, 41), (96, 103, 112), (206, 212, 218)


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points both bundled faces can draw."""
    faces = [TTFont(FONTS / name, lazy=True) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    points = [set(face.getBestCmap()) for face in faces]
    return frozenset(points[0] & points[1])


def drawable(text: str) -> str:
    """`text` with every character the fonts lack replaced (line breaks and tabs kept)."""
    known = _drawable()
    return "".join(c if c in "\n\t" or ord(c) in known else REPLACEMENT for c in text)


_LOCK = threading.Lock()  # one certificate at a time per process: they share parsed fonts
_FONTS: dict[str, Any] = {}  # fpdf2's parsed fonts, read from the files once per process


@functools.cache
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


class _Certificate(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        if not _FONTS:
            self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
            self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
            _FONTS.update(copy.deepcopy(self.fonts))  # pristine: no glyphs used yet
        else:
            # fpdf2's own copy of a font shares what was parsed (widths, cmap) and copies what
            # a document changes (the glyphs it uses). Writing the file subsets the font's
            # tables in place, so each document gets tables of its own, opened lazily from
            # the bytes kept in memory (only what the subsetting reads is parsed).
            fonts = copy.deepcopy(_FONTS)
            for font in fonts.values():
                font.ttfont = TTFont(io.BytesIO(_font_bytes(str(font.ttffile))),
                                     recalcTimestamp=False, lazy=True)
            self.fonts.update(fonts)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*SOFT)
        self.cell(0, 5, f"{self._footer} · Page {self.page_no()} of {{nb}}", align="C")


def certificate_pdf(record: dict[str, Any], *, made_at: datetime | None = None) -> bytes:
    with _LOCK:
        return _certificate(record, made_at)


def _certificate(record: dict[str, Any], made_at: datetime | None) -> bytes:
    d, a = record["dispute"], record["agreement"]
    label = f"Agreement v{a['version']}"
    pdf = _Certificate(drawable(f"Parley · {d['reference']} {label}"))
    pdf.set_title(drawable(f"{label} for {d['reference']}: {d['title']}"))
    pdf.set_author("Parley")
    pdf.set_creation_date(made_at or datetime.now(UTC))
    pdf.add_page()
    pdf.set_text_color(*INK)

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 12)
        pdf.cell(0, 7, drawable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*RULE)
        pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
        pdf.ln(2)

    def para(text: str, size: float = 10, bold: bool = False, soft: bool = False) -> None:
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*(SOFT if soft else INK))
        shown = drawable(text)
        if "\n" not in shown and pdf.get_string_width(shown) < pdf.epw:
            # One line: fpdf2's line breaking measures the line again for every character it
            # adds, which made up most of a certificate's time (bench/certificate.py).
            pdf.cell(0, size * 0.5, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(0, size * 0.5, shown, align="L", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
        pdf.set_text_color(*INK)

    para("Agreement certificate", 20, bold=True)
    para(f"{d['reference']} · {d['title']}", 13)
    orgs = record["organizations"]
    between = " and ".join(f"{o['name']} ({SIDE_LABELS.get(o['side'], o['side'])})" for o in orgs)
    para(f"Between {between}. {category_label(d['category'])}; opened {_day(d['opened_at'])}.",
         soft=True)
    who = ("every party" if a.get("approvals_rule") == "everyone"
           else "one person from each organization")
    para(f"{label} has been in effect since {_stamp(a['ratified_at'])}, approved by {who} with "
         "Parley's buttons in Slack, each approval bound to the exact text below by its SHA-256 "
         "content hash.", soft=True)

    heading("Parties")
    for p in record["parties"]:
        para(f"{p['name']}, {p['organization']} ({SIDE_LABELS.get(p['side'], p['side'])}) · "
             f"Slack {p['team_id']} / {p['user_id']}")
    if record["mediators"]:
        for m in record["mediators"]:
            para(f"Mediator: {m['name']}, {m['organization']} · Slack {m['team_id']} / "
                 f"{m['user_id']}")
    else:
        para("No mediator took part.", soft=True)

    heading("Terms")
    para(a["terms"])
    if a["compensation"]:
        heading("Compensation")
        money = a["compensation"]
        para(format_amount(Decimal(money["amount"]), money["currency"]) or money["amount"])
    if a["action_items"]:
        heading("Action items")
        for n, item in enumerate(a["action_items"], 1):
            owner = item["owner"]
            para(f"{n}. {item['text']}")
            para(f"Owner: {owner['name']} ({owner['organization']}) · due {item['due']}",
                 9, soft=True)

    heading("Approvals")
    for ap in record["approvals"]:
        para(f"{ap['name']}, {ap['organization']} · Slack {ap['team_id']} / {ap['user_id']}",
             bold=True)
        para(f"Approved version {ap['version']} at {_stamp(ap['at'])}", 9)
        para(f"Content hash of the text approved: {ap['content_hash']}", 8, soft=True)
        pdf.ln(1.5)

    if record["timeline"]:
        heading("Timeline")
        for step in record["timeline"]:
            para(f"{_stamp(step['at'])}  {step['what']}", 9)

    heading("Fingerprints (SHA-256)")
    para("Agreement (its canonical text, as approved):", 9, bold=True)
    para(a["content_hash"], 8)
    if record["audit_trail_head"]:
        para(f"Audit trail of {d['reference']} when it took effect (also posted in its thread):",
             9, bold=True)
        para(record["audit_trail_head"], 8)
    para(f"This record ({ATTACHMENT}, attached to this PDF):", 9, bold=True)
    para(record_hash(record), 8)
    para("Check this file against Parley's database with: parley verify <this file>", 8,
         soft=True)

    when = made_at or datetime.now(UTC)
    pdf.embed_file(bytes=canonical(record), basename=ATTACHMENT, mime_type="application/json",
                   desc=f"The {label} record of {d['reference']}, as Parley keeps it",
                   modification_date=when)
    return bytes(pdf.output())


def _stamp(iso: str | None) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "—"


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "—"
