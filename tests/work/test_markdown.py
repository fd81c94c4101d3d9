"""Guides are Markdown rendered to HTML that keeps structure and drops anything executable."""

from __future__ import annotations

import pytest

from tugi.work.markdown import render_markdown


def test_keeps_headings_tables_lists_links_and_code() -> None:
    html = render_markdown(
        "# Eesmärk\n\n## Sammud\n\n"
        "| samm | kes |\n|---|---|\n| muudatustaotlus | valdkonna tugi |\n\n"
        "1. esimene\n2. teine\n\n- punkt\n\n"
        "[Juhend](https://tugi.example.com/juhend) ja [kiri](mailto:tugi@example.com)\n\n"
        "```\nSELECT 1;\n```\n\n**rasvane** ja *kaldkiri*"
    )
    assert '<h1 id="eesmark">Eesmärk</h1>' in html
    assert "<h2" in html and "Sammud</h2>" in html
    assert "<table>" in html and "<th>samm</th>" in html and "<td>valdkonna tugi</td>" in html
    assert "<ol>" in html and "<li>esimene</li>" in html
    assert "<ul>" in html and "<li>punkt</li>" in html
    assert 'href="https://tugi.example.com/juhend"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'href="mailto:tugi@example.com"' in html
    assert "<pre><code>SELECT 1;" in html
    assert "<strong>rasvane</strong>" in html and "<em>kaldkiri</em>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('xss')</script>",
        "Tekst <script src='https://evil.example.com/x.js'></script>",
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">klõps</p>',
        '<a href="https://ok.example.com" onmouseover="alert(1)">link</a>',
        "[klõpsa](javascript:alert(1))",
        '<a href="javascript:alert(1)">link</a>',
        '<a href="JaVaScRiPt:alert(1)">link</a>',
        '<a href="&#106;avascript:alert(1)">link</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<iframe src="https://evil.example.com"></iframe>',
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
        '<form action="https://evil.example.com"><input name="x"></form>',
    ],
)
def test_strips_anything_executable(text: str) -> None:
    html = render_markdown(text).lower()
    for bad in ("<script", "onerror", "onclick", "onmouseover", "onload", "javascript:", "data:", "<iframe"):
        assert bad not in html, html
    assert "<style" not in html and "<form" not in html and "<input" not in html and "<svg" not in html


def test_script_content_is_dropped_not_shown_as_text() -> None:
    assert "alert" not in render_markdown("Enne\n\n<script>alert('xss')</script>\n\nPärast")


def test_empty_text_renders_empty() -> None:
    assert render_markdown("") == ""
