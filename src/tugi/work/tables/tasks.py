from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Task


class TaskTable(tables.Table):
    title = tables.TemplateColumn(
        "<a href=\"{% url 'work:task_detail' record.pk %}\">{{ record.title }}</a>", verbose_name=_("Title")
    )
    assignee = tables.Column(verbose_name=_("Assignee"), accessor="assignee__username")
    created_by = tables.Column(verbose_name=_("Assigned by"), accessor="created_by__username")
    due_on = tables.TemplateColumn(
        '{% if record.is_overdue %}<span class="badge text-bg-danger" data-overdue="1">'
        '{{ record.due_on|date:"d.m.Y" }}</span>{% else %}{{ record.due_on|date:"d.m.Y" }}{% endif %}',
        verbose_name=_("Due"),
        order_by=("due_on",),
    )

    class Meta:
        model = Task
        fields = ("title", "assignee", "created_by", "due_on", "done_at")
