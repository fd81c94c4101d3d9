"""Forms of the requests topic: a new access request, a decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm, date_input

from .assignments import AccountProfilePeriodFields

DATE = date_input()


class RequestForm(AccountProfilePeriodFields):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].label = _("Needed from")
        self.fields["valid_to"].label = _("Needed until")


class DecisionForm(TugiForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approved", _("approve")), ("rejected", _("reject"))]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject."),
    )
