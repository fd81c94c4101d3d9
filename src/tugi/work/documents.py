"""A development request as a document: Markdown, PDF (through ``tugi.core.pdf``) and DOCX (the
developers' partner works in Word). Every section, its analytic input, and the sign-offs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.pdf import Heading, Para, Table, render_pdf

from .models import DevelopmentRequest
from .selectors_requests import SectionView, sections, signoffs

FORMATS = ("md", "pdf", "docx")
CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Document:
    title: str
    meta: list[tuple[str, str]]
    sections: list[SectionView]
    signoffs: list[tuple[str, str, str]]


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%d.%m.%Y %H:%M}" if value else ""


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def document(request: DevelopmentRequest) -> Document:
    meta = [
        (_("Status"), request.get_status_display()),
        (_("Author"), _name(request.author)),
        (_("System"), request.get_system_display()),
        (_("Priority"), request.get_priority_display()),
        (_("Desired date"), f"{request.desired_date:%d.%m.%Y}" if request.desired_date else "—"),
    ]
    if request.estimate_days is not None:
        meta.append((_("Estimate (person-days)"), f"{request.estimate_days}"))
    if request.delivery_id:
        meta.append((_("Delivery"), str(request.delivery)))
    if request.rejection_reason:
        meta.append((_("Rejection reason"), request.rejection_reason))
    rows = [(_name(r.user), _when(r.signed_off_at) or _("not signed off"), r.note) for r in signoffs(request)]
    return Document(
        f"{_('Development request')} #{request.pk}: {request.title}", meta, sections(request), rows
    )


def _comment_line(c: Any) -> str:
    return f"{_name(c.author)} ({_when(c.created_at)}): {c.text}"


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    out += [f"- **{label}:** {value}" for label, value in doc.meta]
    for s in doc.sections:
        out += ["", f"## {s.label}", ""]
        for label, text in s.fields:
            if label:
                out += [f"**{label}:**", "", text or "—", ""]
            else:
                out += [text or "—", ""]
        if s.comments:
            out += [f"### {_('Analytic input')}", ""]
            out += [f"> {_comment_line(c)}".replace("\n", "\n> ") for c in s.comments]
            out.append("")
    out += ["", f"## {_('Sign-offs')}", ""]
    if doc.signoffs:
        out += [f"| {_('Reviewer')} | {_('Signed off')} | {_('Note')} |", "|---|---|---|"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in doc.signoffs]
    else:
        out.append(_("No reviewers."))
    return "\n".join(out).rstrip() + "\n"


def to_pdf(doc: Document) -> bytes:
    blocks: list[Any] = [Table([_("Field"), _("Value")], doc.meta)]
    for s in doc.sections:
        blocks.append(Heading(s.label, 2))
        for label, text in s.fields:
            blocks.append(Para(f"{label}: {text or '—'}" if label else (text or "—")))
        if s.comments:
            blocks.append(Heading(_("Analytic input"), 3))
            blocks += [Para(_comment_line(c)) for c in s.comments]
    blocks.append(Heading(_("Sign-offs"), 2))
    blocks.append(Table([_("Reviewer"), _("Signed off"), _("Note")], doc.signoffs or [("—", "", "")]))
    return render_pdf(doc.title, blocks, subject=_("Development request"))


def to_docx(doc: Document) -> bytes:
    import docx

    word = docx.Document()
    word.core_properties.title = doc.title
    word.add_heading(doc.title, level=1)
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in doc.meta:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for s in doc.sections:
        word.add_heading(s.label, level=2)
        for label, text in s.fields:
            paragraph = word.add_paragraph()
            if label:
                paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(text or "—")
        if s.comments:
            word.add_heading(_("Analytic input"), level=3)
            for c in s.comments:
                word.add_paragraph(_comment_line(c), style="List Bullet")
    word.add_heading(_("Sign-offs"), level=2)
    signed = word.add_table(rows=1, cols=3)
    signed.style = "Table Grid"
    for cell, text in zip(signed.rows[0].cells, (_("Reviewer"), _("Signed off"), _("Note")), strict=True):
        cell.text = text
    for row in doc.signoffs:
        cells = signed.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def render(request: DevelopmentRequest, fmt: str) -> bytes:
    doc = document(request)
    if fmt == "md":
        return to_markdown(doc).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(doc)
    return to_docx(doc)
