from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Guide


class GuideTable(tables.Table):
    title = tables.TemplateColumn(
        "<a href=\"{% url 'work:guide_detail' record.slug %}\">{{ record.title }}</a>"
    )
    review_due_on = tables.TemplateColumn(
        "{% if record.is_review_overdue %}"
        '<span class="badge text-bg-warning">'
        '{{ record.review_due_on|date:"d.m.Y" }}</span>'
        '{% else %}{{ record.review_due_on|date:"d.m.Y" }}{% endif %}',
        verbose_name=_("Review due"),
        orderable=False,
    )

    class Meta:
        model = Guide
        fields = ("title", "kind", "area", "owner", "version", "last_reviewed_on", "review_due_on")
