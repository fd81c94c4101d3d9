"""Forms of feature flags and their state per environment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import System


class FlagCreateForm(ReasonMixin):
    system = forms.ChoiceField(label=_("System"), choices=System.choices)
    key = forms.SlugField(
        label=_("Key"), max_length=100, help_text=_("Letters, digits and hyphens, e.g. new-indexation")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FlagEditForm(ReasonMixin):
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    archived = forms.BooleanField(label=_("Archived (no longer served)"), required=False)
    tickets: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Linked tickets"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, system: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        from ..models import Ticket

        self.fields["tickets"].queryset = Ticket.objects.filter(system=system).order_by("key")  # type: ignore[attr-defined]
        self.fields["tickets"].label_from_instance = lambda t: f"{t.key} {t.title}"  # type: ignore[attr-defined]


class FlagStateForm(ReasonMixin):
    environment = forms.IntegerField(widget=forms.HiddenInput)
    enabled = forms.TypedChoiceField(
        label=_("State"),
        choices=[("1", _("on")), ("0", _("off"))],
        coerce=lambda v: v == "1",
    )
    variant = forms.CharField(
        label=_("Value"), max_length=200, required=False, help_text=_("optional string value while on")
    )
