"""Forms of the data dictionary."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import UploadForm


class DictionaryImportForm(UploadForm):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("dictionary", _("Entities and attributes")),
            ("counts", _("Records per code")),
        ],
        initial="dictionary",
    )
