"""Tables of change requests and correspondences."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import ChangeRequest, Correspondence


class ChangeRequestTable(tables.Table):
    id = tables.TemplateColumn(
        "<a href=\"{% url 'classifiers:changes_request_detail' record.pk %}\" "
        'data-request="{{ record.pk }}">#{{ record.pk }}</a>',
        verbose_name=_("No."),
    )
    classifier = tables.Column(verbose_name=_("Classifier"), accessor="classifier__code")
    requested_by = tables.Column(verbose_name=_("Requester"), accessor="requested_by__username")
    planned_publication = tables.DateColumn(format="d.m.Y")
    created_at = tables.DateColumn(format="d.m.Y", verbose_name=_("Created"))

    class Meta:
        model = ChangeRequest
        fields = ("id", "classifier", "title", "status", "requested_by", "planned_publication", "created_at")
        row_attrs = {"data-status": lambda record: record.status}


class CorrespondenceTable(tables.Table):
    from_version = tables.Column(verbose_name=_("From version"), accessor="from_version__number")
    to_version = tables.Column(verbose_name=_("To version"), accessor="to_version__number")

    class Meta:
        model = Correspondence
        fields = ("from_version", "to_version", "old_code", "new_code", "note")
        row_attrs = {"data-old": lambda record: record.old_code, "data-new": lambda record: record.new_code}
