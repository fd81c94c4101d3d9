"""Forms of the explain topic (all are GET forms: explaining changes nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm, date_input


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=date_input(),
        help_text=_("Empty: today. A past date shows the rights as they were on that day."),
    )


class _SystemChoice(TugiForm):
    """A form whose ``system`` field offers the systems the user may see (by code)."""

    def __init__(self, *args: Any, systems: list[str], blank: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(code, code) for code in systems]
        if blank is not None:
            choices.insert(0, ("", blank))
        field = self.fields["system"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class ExplainForm(_SystemChoice):
    account = forms.CharField(label=_("Account (user name)"), max_length=150)
    system = forms.ChoiceField(label=_("System"))
    right = forms.CharField(label=_("Right (code)"), max_length=100)
    at = _date_field(_("Date"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localdate()


class AccountRightsForm(_SystemChoice):
    account = forms.CharField(label=_("Account (user name)"), max_length=150)
    system = forms.ChoiceField(label=_("System"), required=False)
    at = _date_field(_("Date"))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("blank", _("all systems"))
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localdate()


class SystemExportForm(_SystemChoice):
    system = forms.ChoiceField(label=_("System"))
    at = _date_field(_("Date"))
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localdate()
