"""Forms of the people topic: organisation units, accounts, leaving, the HR import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.context import SYSTEM_USERNAME
from tugi.core.forms import ReasonMixin, date_input

from ..models import Account, EmploymentStatus, OrgUnit, OrgUnitKind

DATE = date_input()


class OrgUnitForm(ReasonMixin):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("As in the HR file, e.g. pensionid."))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnitKind.choices)


class AccountForm(ReasonMixin):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    employee_id = forms.CharField(label=_("Employee id"), max_length=40, required=False)
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.all())
    position = forms.CharField(label=_("Job position"), max_length=200, required=False)
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=Account.objects.filter(status=EmploymentStatus.ACTIVE),
        required=False,
        empty_label=_("no manager"),
    )
    user = forms.ModelChoiceField(
        label=_("Tugi user"),
        queryset=get_user_model().objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME),
        required=False,
        empty_label=_("does not sign in to Tugi"),
        help_text=_("Needed when this person approves requests in Tugi."),
    )

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if account is not None:
            # a manager who has left stays selectable for the accounts that still name them
            field: Any = self.fields["manager"]
            field.queryset = Account.objects.filter(
                Q(status=EmploymentStatus.ACTIVE) | Q(pk=account.manager_id or 0)
            ).exclude(pk=account.pk)


class LeaveForm(ReasonMixin):
    left_on = forms.DateField(label=_("Last working day"), widget=DATE)


class HrImportForm(ReasonMixin):
    file = forms.FileField(label=_("HR file (CSV, UTF-8, semicolon-separated)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ReviewForm(ReasonMixin):
    action = forms.ChoiceField(
        label=_("Decision"), choices=[("keep", _("keep the assignment")), ("end", _("end it today"))]
    )
