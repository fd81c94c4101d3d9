"""PDF documents keep Estonian letters and every block's text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tugi.core.pdf import Heading, Para, Table, render_pdf


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_headings_paragraphs_and_tables_with_estonian_letters() -> None:
    data = render_pdf(
        "Otsus: väljalase 2.4",
        [
            Heading("Kontrollnimekiri", 2),
            Para("Šokolaadi žürii õun äge öö üle"),
            Table(["Kontroll", "Tulemus"], [["Regressioon", "läbitud"]]),
        ],
    )
    assert data.startswith(b"%PDF")
    text = _text(data)
    for expected in [
        "Otsus: väljalase 2.4",
        "Kontrollnimekiri",
        "Šokolaadi žürii õun äge öö üle",
        "Regressioon",
        "läbitud",
    ]:
        assert expected in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "Otsus: väljalase 2.4"


def test_long_tables_continue_on_further_pages() -> None:
    rows = [[f"rida {i}", "x"] for i in range(200)]
    data = render_pdf("Pikk", [Table(["Nimi", "Väärtus"], rows)])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    assert "rida 199" in _text(data)
