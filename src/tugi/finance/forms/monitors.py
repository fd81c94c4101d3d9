"""Forms of monitors: create / edit (SQL or a registered check)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import MonitorKind


class MonitorForm(ReasonMixin):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What it catches"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MonitorKind.choices, initial=MonitorKind.SQL)
    sql = forms.CharField(
        label=_("SQL"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_("One SELECT (or WITH … SELECT) statement; it runs read-only with a time limit."),
    )
    check_name = forms.ChoiceField(label=_("Registered check"), required=False, choices=())
    is_active = forms.BooleanField(label=_("Active (runs daily)"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any):
        from ..selectors_monitors import check_choices

        super().__init__(*args, **kwargs)
        field = self.fields["check_name"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *check_choices()]
