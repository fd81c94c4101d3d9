from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .audit import event_label
from .models import AuditEvent, Job, Person


class PersonTable(tables.Table):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'core:person_detail' record.uid %}\">"
        "{{ record.last_name }}, {{ record.first_name }}</a>",
        verbose_name=_("Name"),
        order_by=("last_name", "first_name"),
    )
    masked_code = tables.Column(verbose_name=_("Personal code"), orderable=False)
    birth_date = tables.DateColumn(format="d.m.Y")
    date_of_death = tables.DateColumn(format="d.m.Y")

    class Meta:
        model = Person
        fields = ("name", "masked_code", "birth_date", "sex", "date_of_death")


class AuditTable(tables.Table):
    occurred_at = tables.DateTimeColumn(format="d.m.Y H:i:s")
    event_type = tables.Column()
    changes = tables.TemplateColumn(
        template_name="core/audit_changes_cell.html", verbose_name=_("Before / after"), orderable=False
    )

    class Meta:
        model = AuditEvent
        fields = (
            "occurred_at",
            "actor_label",
            "event_type",
            "object_type",
            "object_id",
            "object_repr",
            "reason",
            "request_id",
        )

    def render_event_type(self, value: str) -> str:
        return f"{event_label(value)} ({value})"


class JobTable(tables.Table):
    title = tables.TemplateColumn("<a href=\"{% url 'core:job_detail' record.uid %}\">{{ record.title }}</a>")
    created_at = tables.DateTimeColumn(format="d.m.Y H:i")

    class Meta:
        model = Job
        fields = ("title", "kind", "status", "percent", "actor", "created_at")
