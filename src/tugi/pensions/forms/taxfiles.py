"""Forms of the social tax file import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

#: The largest file the browser upload takes (bigger files: ``tugi pensions import-tax``).
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


class TaxFileUploadForm(ReasonMixin):
    file = forms.FileField(
        label=_("Social tax file (CSV, UTF-8, semicolon-separated)"),
        help_text=_("Header: person_code;payer_code;year;month;social_tax;funded_pension;submitted_at"),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1999,
        max_value=dt.date.today().year + 1,
        help_text=_("Optional: when given, every line must be of this year."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 1 GB; import it with the command tugi pensions import-tax.")
            )
        return upload
