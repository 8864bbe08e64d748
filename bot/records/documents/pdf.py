"""What Parley's PDFs share (fpdf2): real, searchable text in the bundled DejaVu Sans (Latin with
accents, Cyrillic, Greek and more), page numbers, A4 with margins that also print on Letter,
headings and paragraphs, and a record attached as JSON. A character the fonts cannot draw is
shown as �. Used by the agreement certificate (certificate_pdf.py) and the dispute's exported
record (export_pdf.py)."""

from __future__ import annotations

import copy
import functools
import io
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from bot.i18n import _, formats
from bot.services.people_text import many_lines, one_line

FONTS = Path(__file__).resolve().parents[2] / "fonts"
FAMILY = "DejaVu"
REPLACEMENT = "\ufffd"
MARGIN = 20  # mm: A4's 210 mm less two margins is narrower than Letter's 216 mm
INK, SOFT, RULE = (33, 37, 41), (96, 103, 112), (206, 212, 218)
# People's words: set off from Parley's own lines by an indent, a bar on their left and a colour
# of their own, so that no line of theirs can pass for one of Parley's (an approval, a status).
THEIRS, BAR = (24, 64, 120), (150, 170, 200)
QUOTE_INDENT = 8  # mm, from the left of whatever the quote belongs to
# A paragraph of Parley's that runs onto more lines goes on further in: whatever words end up at
# the start of a following line (a long name, say) sit where no line of Parley's ever starts.
HANG = 10  # mm


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


_LOCK = threading.Lock()  # one document at a time per process: they share parsed fonts
_FONTS: dict[str, Any] = {}  # fpdf2's parsed fonts, read from the files once per process


@functools.cache
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


class Document(FPDF):
    """A4 pages with Parley's margins, fonts and footer ("… · Page 2 of 5")."""

    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = drawable(footer)
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
                font.ttfont = TTFont(
                    io.BytesIO(_font_bytes(str(font.ttffile))), recalcTimestamp=False, lazy=True
                )
            self.fonts.update(fonts)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*SOFT)
        # Translators: the foot of every page of a PDF; {document} is its name ("Parley · D-7
        # record"), {pages} the number of pages (filled in when the PDF is written).
        text = _("{document} · Page {page} of {pages}").format(
            document=self._footer, page=self.page_no(), pages="{nb}"
        )
        self.cell(0, 5, drawable(text), align="C")

    def start(self, title: str, made_at: datetime) -> None:
        self.set_title(drawable(title))
        self.set_author("Parley")
        self.set_creation_date(made_at)
        self.add_page()
        self.set_text_color(*INK)

    def heading(self, text: str, size: float = 12) -> None:
        self.ln(3)
        self.set_font(FAMILY, "B", size)
        self.cell(0, size * 7 / 12, drawable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(2)

    def para(
        self, text: str, size: float = 10, bold: bool = False, soft: bool = False, indent: float = 0
    ) -> None:
        """A paragraph of Parley's own: one paragraph, whatever it holds (a name, say, with a line
        break in it stays on its line). People's words go in `quote`."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*(SOFT if soft else INK))
        shown = drawable(one_line(text))
        self.set_x(self.l_margin + indent)
        width, height = self.epw - indent, size * 0.5
        if self.get_string_width(shown) < width:
            # One line: fpdf2's line breaking measures the line again for every character it
            # adds, which made up most of a certificate's time (bench/certificate.py).
            self.cell(width, height, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            first, *rest = self._lines(width, height, shown)
            self.cell(width, height, first, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_x(self.l_margin + indent + HANG)
            self.multi_cell(
                width - HANG, height, " ".join(rest), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.set_text_color(*INK)

    def _lines(self, width: float, height: float, text: str) -> list[str]:
        """How fpdf2 would break `text` into lines of `width`, drawing nothing."""
        lines = self.multi_cell(width, height, text, align="L", dry_run=True, output=MethodReturnValue.LINES)
        return cast(list[str], lines)  # what output=LINES returns (fpdf2 types every output's)

    def quote(self, text: str, size: float = 10, indent: float = 0) -> None:
        """People's own words (what happened, terms, a title): each line indented, in their
        colour, with a bar on its left, on every page the text runs onto."""
        self.set_font(FAMILY, "", size)
        self.set_text_color(*THEIRS)
        self.set_draw_color(*BAR)
        self.set_line_width(0.7)
        height, left = size * 0.5, self.l_margin + indent
        width = self.epw - indent - QUOTE_INDENT
        lines = self._lines(width, height, drawable(many_lines(text)) or " ")
        for line in lines:
            if self.will_page_break(height):
                self.add_page()
            y = self.get_y()
            self.line(left + 1.5, y, left + 1.5, y + height)
            self.set_x(left + QUOTE_INDENT)
            self.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_line_width(0.2)
        self.set_text_color(*INK)

    def last_section(self, title: str) -> None:
        """A section on a page of its own at the end (the verification details), so that the
        pages before it read without them."""
        self.add_page()
        self.heading(title, 16)

    def attach(self, content: bytes, name: str, description: str, made_at: datetime) -> None:
        self.embed_file(
            bytes=content,
            basename=name,
            mime_type="application/json",
            desc=description,
            modification_date=made_at,
        )


def render(draw: Callable[..., Document], *args: Any, **kwargs: Any) -> bytes:
    """`draw(...)` returns the Document it drew; its bytes, one document at a time."""
    with _LOCK:
        return bytes(draw(*args, **kwargs).output())


def stamp(iso: str | None) -> str:
    """ "2026-12-04T10:00:00Z" as "2026-12-04 10:00:00 UTC"."""
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "—"


def long_day(iso: str | None) -> str:
    """ "2026-12-07" (or a moment on that day) as "7 December 2026", which no reader takes for
    12 July, whichever order their country writes dates in. Anything else as it is."""
    if not iso:
        return "—"
    try:
        return _in_words(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def long_moment(iso: str | None) -> str:
    """ "2026-12-07T16:03:30Z" as "7 December 2026 at 16:03 UTC". Anything else as it is."""
    if not iso:
        return "—"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    # Translators: {day} is a date in words ("7 December 2026"); {time} is "16:03".
    return _("{day} at {time} UTC").format(day=_in_words(moment.date()), time=f"{moment:%H:%M}")


def _in_words(when: date) -> str:
    return formats.day_in_words(when)
