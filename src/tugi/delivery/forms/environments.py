"""Forms of environments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.context import SYSTEM_USERNAME
from tugi.core.forms import ReasonMixin, date_input

from ..models import EnvironmentKind, EnvironmentStatus, System


def people() -> Any:
    """Active users who can own an environment, a clone task or a flag change."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(username=SYSTEM_USERNAME)
        .order_by("last_name", "first_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class EnvironmentForm(ReasonMixin):
    system = forms.ChoiceField(label=_("System"), choices=System.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=EnvironmentKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. skais-uat; systems read flags by it")
    )
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")
    health_url = forms.URLField(label=_("Health URL"), required=False, assume_scheme="https")
    version_url = forms.URLField(label=_("Version URL"), required=False, assume_scheme="https")
    owner = UserChoiceField(label=_("Owner"), queryset=people(), required=False)
    last_clone_date = forms.DateField(label=_("Last cloned"), required=False, widget=date_input())
    status = forms.ChoiceField(
        label=_("Status"), choices=EnvironmentStatus.choices, initial=EnvironmentStatus.UNKNOWN
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()  # type: ignore[attr-defined]


class RunCheckForm(ReasonMixin):
    """Run the readiness checks now (optionally against a named delivery)."""
