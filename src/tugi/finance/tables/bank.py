"""Tables of outgoing and incoming bank files and bank events."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import BankEvent, BankFile, InboundFile


class BankFileTable(tables.Table):
    message_id = tables.Column(verbose_name=_("MsgId"))
    run = tables.TemplateColumn(
        "<a href=\"{% url 'finance:reconciliation' record.run_id %}\">{{ record.run }}</a>",
        verbose_name=pgettext_lazy("payment run", "Run"),
    )
    sha256 = tables.TemplateColumn(
        '<code title="{{ record.sha256 }}">{{ record.sha256|truncatechars:13 }}</code>',
        verbose_name=_("SHA-256"),
    )
    validated_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Validated"))
    download = tables.TemplateColumn(
        '{% load i18n %}{% if record.validated_at %}<a class="btn btn-sm btn-outline-primary" '
        'href="{% url \'finance:bankfile_download\' record.pk %}" data-file="{{ record.message_id }}">'
        "{% translate 'Download' %}</a>{% endif %}",
        verbose_name=_("File"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = BankFile
        fields = (
            "message_id",
            "run",
            "payment_info_id",
            "nb_of_txs",
            "ctrl_sum",
            "requested_date",
            "sha256",
            "validated_at",
            "downloads",
            "download",
        )


class InboundFileTable(tables.Table):
    message_id = tables.TemplateColumn(
        "<a href=\"{% url 'finance:inbound_detail' record.pk %}\">{{ record.message_id }}</a>",
        verbose_name=_("Message id"),
    )
    created_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Imported"))
    imported_by = tables.Column(verbose_name=_("Imported by"))
    event_count = tables.Column(verbose_name=_("Events"))
    unmatched_count = tables.Column(verbose_name=_("Unmatched"))

    class Meta:
        model = InboundFile
        fields = (
            "message_id",
            "kind",
            "schema",
            "original_name",
            "created_at",
            "imported_by",
            "event_count",
            "unmatched_count",
        )


class BankEventTable(tables.Table):
    file = tables.TemplateColumn(
        "<a href=\"{% url 'finance:inbound_detail' record.file_id %}\">{{ record.file.message_id }}</a>",
        verbose_name=_("File"),
        accessor="file__message_id",
    )
    line = tables.Column(verbose_name=_("Payment"), accessor="line__end_to_end_id")
    matched = tables.BooleanColumn(verbose_name=_("Matched"))
    action = tables.TemplateColumn(
        "{% load i18n %}{% if not record.matched and record.kind != 'debit' and record.kind != 'accepted' %}"
        '<a class="btn btn-sm btn-outline-primary" href="{% url \'finance:event_match\' record.pk %}">'
        "{% translate 'Match' %}</a>{% endif %}",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = BankEvent
        fields = (
            "file",
            "kind",
            "booked_on",
            "end_to_end_id",
            "payment_info_id",
            "reference",
            "amount",
            "reason_code",
            "reason_text",
            "counterparty",
            "line",
            "matched",
            "action",
        )
