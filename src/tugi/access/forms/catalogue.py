"""Forms of the rights catalogue: a managed system, a catalogue import, a right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import Sensitivity


class SystemForm(ReasonMixin):
    code = forms.SlugField(
        label=_("Code"), max_length=20, help_text=_("Short name used in codes and the API, e.g. SKAIS.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CatalogueImportForm(ReasonMixin):
    file = forms.FileField(label=_("Catalogue file (UTF-8)"))
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV, separated by semicolons")), ("json", _("JSON, a list of objects"))],
        initial="csv",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class RightForm(ReasonMixin):
    name_et = forms.CharField(label=_("Name (Estonian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    module = forms.CharField(label=_("Module"), max_length=100, required=False)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices)
