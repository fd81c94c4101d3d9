"""Tables of the classifiers topic."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Classifier, ConsumingSystem


class ClassifierTable(tables.Table):
    code = tables.TemplateColumn(
        "<a href=\"{% url 'classifiers:classifiers_detail' record.code %}\" "
        'data-classifier="{{ record.code }}">{{ record.code }}</a>',
        verbose_name=_("Code"),
    )
    owner_system = tables.Column(verbose_name=_("Owning system"), default=_("shared"))
    review_due = tables.Column(verbose_name=_("Review due"), empty_values=(), orderable=False)

    class Meta:
        model = Classifier
        fields = ("code", "name_et", "owner_system", "owner", "maintainer", "status", "review_due")
        row_attrs = {"data-status": lambda record: record.status}

    def render_review_due(self, record: Classifier) -> Any:
        from ..selectors_classifiers import review_due_on

        return review_due_on(record).strftime("%d.%m.%Y")

    def value_review_due(self, record: Classifier) -> Any:
        from ..selectors_classifiers import review_due_on

        return review_due_on(record).isoformat()


class ConsumerTable(tables.Table):
    code = tables.TemplateColumn(
        "<a href=\"{% url 'classifiers:classifiers_consumer_edit' record.pk %}\" "
        'data-consumer="{{ record.code }}">{{ record.code }}</a>',
        verbose_name=_("Code"),
    )
    classifier_count = tables.Column(verbose_name=_("Classifiers"))

    class Meta:
        model = ConsumingSystem
        fields = ("code", "name", "partner", "contact_email", "classifier_count")


class FreshnessTable(tables.Table):
    check_label = tables.Column(verbose_name=_("Check"))
    classifier = tables.TemplateColumn(
        "<a href=\"{% url 'classifiers:classifiers_detail' record.classifier %}\">"
        "{{ record.classifier }}</a>",
        verbose_name=_("Classifier"),
    )
    version = tables.Column(verbose_name=_("Version"))
    code = tables.Column(verbose_name=_("Code"))
    detail = tables.Column(verbose_name=_("Detail"))

    class Meta:
        row_attrs = {
            "data-check": lambda record: record["check"],
            "data-classifier": lambda record: record["classifier"],
        }
