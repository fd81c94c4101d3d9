"""Forms of the classifiers topic: a classifier, a consuming system, an item, a version's validity,
publishing and the import of a version's items."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, date_input

from ..models import ConsumingSystem


class ClassifierForm(ReasonMixin):
    code = forms.SlugField(
        label=_("Code"), max_length=80, help_text=_("Used in the API, e.g. pension-types.")
    )
    name_et = forms.CharField(label=_("Name (Estonian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_system: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Owning system"), queryset=None, required=False, empty_label=_("shared by the systems")
    )
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    maintainer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Maintainer"), queryset=None, required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consumers = forms.ModelMultipleChoiceField(
        label=_("Consuming systems"),
        queryset=ConsumingSystem.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_interval_days = forms.IntegerField(
        label=_("Review interval (days)"), min_value=1, max_value=3650, initial=365
    )
    attribute_schema = forms.CharField(
        label=_("Extra attributes of items (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text=_(
            'A list like [{"name": "budget_account", "label": "Budget account", "type": "string", '
            '"required": false, "choices": []}]; types: string, integer, decimal, date, boolean.'
        ),
    )

    def __init__(self, *args: Any, systems: Any, users: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_system"].queryset = systems  # type: ignore[attr-defined]
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]
        self.fields["maintainer"].queryset = users  # type: ignore[attr-defined]
        if editing:
            del self.fields["code"]

    def clean_attribute_schema(self) -> Any:
        text = self.cleaned_data.get("attribute_schema") or ""
        if not text.strip():
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The definition is not valid JSON: %(reason)s.") % {"reason": exc.msg}
            ) from None


class ConsumerForm(ReasonMixin):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Partner"), queryset=None, required=False
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class ItemForm(ReasonMixin):
    """An item; the classifier's extra attributes become fields named ``attributes.<name>``."""

    code = forms.CharField(label=_("Code"), max_length=100)
    name_et = forms.CharField(label=_("Name (Estonian)"), max_length=500)
    name_en = forms.CharField(label=_("Name (English)"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent_code = forms.CharField(label=_("Parent code"), max_length=100, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=date_input())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=date_input())

    def __init__(
        self, *args: Any, schema: list[dict[str, Any]], fields: tuple[str, ...] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.schema = schema
        for definition in schema if fields is None or "attributes" in fields else []:
            name = f"attributes.{definition['name']}"
            label = definition["label"]
            if definition["choices"]:
                choices = [("", "—"), *((c, c) for c in definition["choices"])]
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
            elif definition["type"] == "boolean":
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=[("", "—"), ("true", _("yes")), ("false", _("no"))], required=False
                )
            else:
                widget = date_input() if definition["type"] == "date" else forms.TextInput()
                self.fields[name] = forms.CharField(label=label, required=False, widget=widget)
            widget = self.fields[name].widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css
        if fields is not None:
            for name in list(self.fields):
                if name != "reason" and not name.startswith("attributes.") and name not in fields:
                    del self.fields[name]
        self.order_fields([n for n in self.fields if n != "reason"] + ["reason"])

    def values(self) -> dict[str, Any]:
        """Cleaned data in the services' shape (attributes nested)."""
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        attributes = {
            key.split(".", 1)[1]: data.pop(key) for key in list(data) if key.startswith("attributes.")
        }
        if any(f"attributes.{d['name']}" in self.fields for d in self.schema):
            data["attributes"] = {k: v for k, v in attributes.items() if v not in ("", None)}
        return data


class RetireItemForm(ReasonMixin):
    valid_to = forms.DateField(label=_("Valid until"), widget=date_input())


class VersionDatesForm(ReasonMixin):
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=date_input())


class PublishForm(ReasonMixin):
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())


class ItemsImportForm(ReasonMixin):
    file = forms.FileField(label=_("Items file"))
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("csv", _("CSV, UTF-8, separated by semicolons")),
            ("xlsx", _("XLSX (Excel), the first sheet")),
            ("json", _("JSON, a list of objects")),
        ],
        initial="csv",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class AtForm(TugiForm):
    at = forms.DateField(label=_("Valid on"), required=False, widget=date_input())
