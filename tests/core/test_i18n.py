"""Estonian is the default language and every UI string has an Estonian translation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "et" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_every_placeholder() -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(PO)):
        assert sorted(placeholder.findall(entry.msgid)) == sorted(placeholder.findall(entry.msgstr)), (
            entry.msgid
        )


@pytest.mark.django_db
def test_pages_speak_estonian_by_default_and_english_on_request(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    assert "Minu töölaud" in client.get(reverse("core:desk")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:desk")).content.decode()
    assert "My desk" in page and '<html lang="en">' in page
