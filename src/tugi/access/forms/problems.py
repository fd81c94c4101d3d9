"""Forms of access problems."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import Account, ManagedSystem, ProblemStatus, Right


class ProblemReportForm(ReasonMixin):
    """The account and the right are typed (user name, right code) and looked up in what the user
    may see; an unknown one is an error on its field."""

    system = forms.ModelChoiceField(label=_("System"), queryset=ManagedSystem.objects.none())
    account = forms.CharField(
        label=_("Account (user name)"),
        required=False,
        max_length=150,
        help_text=_("The user who has the problem; leave empty for a problem of the whole system."),
    )
    right = forms.CharField(
        label=_("Right (code)"),
        required=False,
        max_length=100,
        help_text=_("The right the user is missing or should not have, if known."),
    )
    symptom = forms.CharField(
        label=_("Symptom"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("What happens, where.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["system"].queryset = ManagedSystem.objects.restrict(user)  # type: ignore[attr-defined]

    def clean_account(self) -> Account | None:
        username = (self.cleaned_data.get("account") or "").strip()
        if not username:
            return None
        account = Account.objects.restrict(self.user).filter(username=username).first()
        if account is None:
            raise forms.ValidationError(_("No account with this user name."))
        return account

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (self.data.get(self.add_prefix("right")) or "").strip()
        system = data.get("system")
        data["right"] = None
        if code and system is not None:
            right = Right.objects.restrict(self.user).filter(system=system, code=code).first()
            if right is None:
                self.add_error("right", _("The system has no right with this code."))
            else:
                data["right"] = right
        return data


class ProblemUpdateForm(ReasonMixin):
    status = forms.ChoiceField(label=_("Status"), choices=ProblemStatus.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to mark the problem resolved."),
    )


class ProblemForwardForm(ReasonMixin):
    partner: Any = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    reference = forms.CharField(
        label=_("Partner's reference"),
        required=False,
        max_length=100,
        help_text=_("The partner's ticket number, if already known."),
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
