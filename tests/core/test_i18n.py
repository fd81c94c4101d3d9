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
        wanted = sorted(
            set(placeholder.findall(entry.msgid)) | set(placeholder.findall(entry.msgid_plural or ""))
        )
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(set(placeholder.findall(text))) == wanted, entry.msgid


def test_estonian_is_the_default_language_of_tugi() -> None:
    import tugi.settings

    assert tugi.settings.LANGUAGE_CODE == "et"


@pytest.mark.django_db
def test_pages_speak_estonian_by_default_and_english_on_request(
    domain_support: Any, client_for: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "et"
    client = client_for(domain_support)
    assert "Minu töölaud" in client.get(reverse("core:desk")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:desk")).content.decode()
    assert "My desk" in page and '<html lang="en">' in page
