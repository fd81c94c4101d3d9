"""Forms of change requests, their operations, decisions and publishing; diffs and correspondences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, UploadForm, date_input

from ..attributes import check_schema
from ..models import Classifier, Operation


class ChangeRequestForm(ReasonMixin):
    classifier = forms.ModelChoiceField(
        label=_("Classifier"), queryset=Classifier.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))
    planned_publication = forms.DateField(label=_("Planned publication"), required=False, widget=date_input())

    def __init__(self, *args: Any, classifiers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["classifier"].queryset = classifiers  # type: ignore[attr-defined]


class OperationForm(ReasonMixin):
    """One operation; the classifier's extra attributes come as fields ``attr_<name>``."""

    operation = forms.ChoiceField(label=_("Operation"), choices=Operation.choices)
    code = forms.CharField(label=_("Code"), max_length=100)
    name_et = forms.CharField(label=_("Name (Estonian)"), max_length=500, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent_code = forms.CharField(label=_("Parent code"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=date_input())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=date_input())
    replaced_by = forms.CharField(
        label=_("Replaced by"),
        max_length=500,
        required=False,
        help_text=_("Retiring a code: the code or codes (comma-separated) that replace it."),
    )

    def __init__(self, *args: Any, schema: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.schema = check_schema(schema or [])
        for definition in self.schema:
            self.fields[f"attr_{definition['name']}"] = forms.CharField(
                label=definition["label"],
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])

    def service_arguments(self) -> dict[str, Any]:
        """The operation as the service takes it: for an addition every value, for a change only
        the fields filled in, for retiring only the replacements."""
        data = self.cleaned_data
        operation = data["operation"]
        attributes = {d["name"]: data.get(f"attr_{d['name']}", "") for d in self.schema}
        values: dict[str, Any] = {}
        if operation == Operation.ADD:
            values = {name: data.get(name) for name in ("name_et", "name_en", "description", "parent_code")}
            values.update(
                valid_from=data.get("valid_from"), valid_to=data.get("valid_to"), attributes=attributes
            )
        elif operation == Operation.CHANGE:
            for name in ("name_et", "name_en", "description", "parent_code", "valid_from", "valid_to"):
                if data.get(name) not in (None, ""):
                    values[name] = data[name]
            given = {k: v for k, v in attributes.items() if v not in (None, "")}
            if given:
                values["attributes"] = given
        return {
            "operation": operation,
            "code": data["code"],
            "values": values,
            "replaced_by": data.get("replaced_by", "") if operation == Operation.RETIRE else "",
            "reason": data.get("reason", ""),
        }


class DecideForm(TugiForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject."),
    )


class PublishForm(ReasonMixin):
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())


class DiffForm(TugiForm):
    a = forms.TypedChoiceField(label=_("From version"), coerce=int, choices=[])
    b = forms.TypedChoiceField(label=_("To version"), coerce=int, choices=[])

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]


class CorrespondenceImportForm(UploadForm):
    from_version = forms.TypedChoiceField(label=_("From version"), coerce=int, choices=[])
    to_version = forms.TypedChoiceField(label=_("To version"), coerce=int, choices=[])

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["from_version"].choices = choices  # type: ignore[attr-defined]
        self.fields["to_version"].choices = choices  # type: ignore[attr-defined]
        self.order_fields(["from_version", "to_version", "file", "reason"])
