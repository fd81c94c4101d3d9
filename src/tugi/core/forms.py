from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .identity import clean_personal_code


def date_input() -> forms.DateInput:
    """The browser's date picker; values in ISO form whatever the UI language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TugiForm(forms.Form):
    """Adds Bootstrap classes to every widget."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class ReasonMixin(TugiForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("why (kept in the audit log)")}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])


class PersonCreateForm(ReasonMixin):
    personal_code = forms.CharField(label=_("Personal code"), max_length=20)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_death = forms.DateField(label=_("Date of death"), required=False, widget=date_input())

    def clean_personal_code(self) -> str:
        from django.core.exceptions import ValidationError

        try:
            return clean_personal_code(self.cleaned_data["personal_code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["personal_code"]) from None


class PersonEditForm(ReasonMixin):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_death = forms.DateField(label=_("Date of death"), required=False, widget=date_input())


class UploadForm(ReasonMixin):
    file = forms.FileField(label=_("CSV file (UTF-8, semicolon-separated)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class TokenCreateForm(TugiForm):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What uses the token, e.g. the nightly export script.")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class PersonViewPurposeForm(TugiForm):
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


def apply_errors(form: forms.Form, exc: Any) -> None:
    """Put a service's ValidationError on the form, on the field it names where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class PasswordChangeForm(TugiForm):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput(render_value=False)
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters, not only digits, not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput(render_value=False)
    )
