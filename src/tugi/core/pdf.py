"""PDF documents built from simple blocks (headings, paragraphs, tables), with ReportLab.

Areas describe *what* a document says (``Heading``, ``Para``, ``Table``) and call ``render_pdf``;
the look (fonts, margins, table style) lives here once. Estonian letters (õ, ä, ö, ü, š, ž) need a
Unicode font: DejaVu Sans is used when the system has it (Debian's ``fonts-dejavu-core``, which
``.ci/run`` installs), otherwise ReportLab's built-in Helvetica, whose WinAnsi encoding still covers
the Estonian alphabet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] | None = field(default=None)


Block = Heading | Para | Table


def _fonts() -> tuple[str, str]:
    """Regular and bold font names, registering DejaVu Sans once if the system has it."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold"
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _text(value: Any) -> str:
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def render_pdf(title: str, blocks: Iterable[Block], *, subject: str = "", author: str = "Tugi") -> bytes:
    """Render the blocks as an A4 PDF and return its bytes (document title set in its metadata)."""
    regular, bold = _fonts()
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName=regular, fontSize=10, leading=13)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11)
    head_cell = ParagraphStyle("headcell", parent=cell, fontName=bold)
    headings = {
        level: ParagraphStyle(f"h{level}", parent=sheet[f"Heading{level}"], fontName=bold)
        for level in (1, 2, 3)
    }
    story: list[Any] = [Paragraph(_text(title), headings[1]), Spacer(1, 3 * mm)]
    for block in blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(_text(block.text), headings[min(max(block.level, 1), 3)]))
        elif isinstance(block, Para):
            story.append(Paragraph(_text(block.text), body))
            story.append(Spacer(1, 2 * mm))
        else:
            data = [[Paragraph(_text(h), head_cell) for h in block.header]]
            data += [[Paragraph(_text(v), cell) for v in row] for row in block.rows]
            table = RLTable(data, colWidths=list(block.widths) if block.widths else None, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [table, Spacer(1, 3 * mm)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        subject=subject,
        author=author,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=True,  # the same blocks give the same bytes (stored documents keep their hash)
    )
    doc.build(story)
    return buffer.getvalue()
