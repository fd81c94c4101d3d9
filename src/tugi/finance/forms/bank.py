"""Forms of bank files: uploading an incoming file, matching an unmatched event by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm

from ..models import Overpayment, PaymentLine

MAX_BYTES = 50 * 1024 * 1024


class InboundUploadForm(TugiForm):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_("A pain.002 status report or a camt.053 / camt.054 statement (XML)."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 50 MB."))
        return upload


class EventMatchForm(TugiForm):
    end_to_end_id = forms.CharField(
        label=_("Payment (EndToEndId)"),
        max_length=35,
        required=False,
        help_text=_("For a return or a rejection: the payment it belongs to."),
    )
    overpayment = forms.IntegerField(
        label=_("Overpayment number"),
        required=False,
        min_value=1,
        help_text=_("For an incoming credit: the overpayment it repays."),
    )
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_end_to_end_id(self) -> PaymentLine | None:
        value = self.cleaned_data.get("end_to_end_id", "").strip()
        if not value:
            return None
        line = PaymentLine.objects.filter(end_to_end_id=value).first()
        if line is None:
            raise ValidationError(_("No payment has this EndToEndId."))
        return line

    def clean_overpayment(self) -> Overpayment | None:
        value = self.cleaned_data.get("overpayment")
        if not value:
            return None
        op = Overpayment.objects.filter(pk=value).first()
        if op is None:
            raise ValidationError(_("No overpayment has this number."))
        return op
