from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import DevelopmentRequest


class RequestTable(tables.Table):
    pk = tables.Column(verbose_name="#", linkify=("work:request_detail", {"pk": tables.A("pk")}))
    title = tables.TemplateColumn(
        "<a href=\"{% url 'work:request_detail' record.pk %}\">{{ record.title }}</a>",
        verbose_name=_("Title"),
    )
    author = tables.Column(verbose_name=_("Author"), accessor="author__username")
    delivery = tables.Column(verbose_name=_("Delivery"))

    class Meta:
        model = DevelopmentRequest
        fields = ("pk", "title", "system", "status", "priority", "desired_date", "author", "delivery")
