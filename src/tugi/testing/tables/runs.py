"""Tables of test plans and runs."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import TestPlan, TestRun


class PlanTable(tables.Table):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'testing:plan_detail' record.pk %}\">{{ record.name }}</a>", verbose_name=_("Name")
    )
    delivery = tables.Column(verbose_name=_("Delivery"), order_by=("delivery__system", "delivery__version"))
    case_count = tables.Column(verbose_name=_("Cases"))

    class Meta:
        model = TestPlan
        fields = ("name", "delivery", "case_count", "created_at")


class RunTable(tables.Table):
    """Runs with their progress; ``progress`` maps a run id to ``selectors_runs`` counts."""

    name = tables.TemplateColumn(
        '<a href="{% url \'testing:run_detail\' record.pk %}" data-run="{{ record.pk }}">'
        "{{ record.name }}</a>",
        verbose_name=_("Name"),
    )
    plan = tables.Column(verbose_name=_("Plan"))
    environment = tables.Column(verbose_name=_("Environment"), accessor="environment_label", orderable=False)
    progress = tables.Column(verbose_name=_("Progress"), orderable=False, empty_values=())
    planned_start = tables.DateColumn(format="d.m.Y", verbose_name=_("Planned start"))
    planned_end = tables.DateColumn(format="d.m.Y", verbose_name=_("Planned end"))

    class Meta:
        model = TestRun
        fields = (
            "name",
            "plan",
            "environment",
            "version",
            "status",
            "planned_start",
            "planned_end",
            "progress",
        )
        row_attrs = {"data-status": lambda record: record.status}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._progress: dict[int, dict[str, Any]] | None = None

    def _all_progress(self) -> dict[int, dict[str, Any]]:
        if self._progress is None:
            from ..selectors_runs import runs_progress

            page = getattr(self, "page", None)
            records = [row.record for row in page.object_list] if page is not None else list(self.data)
            self._progress = runs_progress(records)
        return self._progress

    def render_progress(self, record: Any) -> str:
        p = self._all_progress().get(record.pk)
        if p is None:
            from ..selectors_runs import run_progress

            p = run_progress(record)
        return str(
            _("%(done)d / %(total)d executed (%(percent)d %%), %(passed)d passed, %(failed)d failed")
            % {
                "done": p["executed"],
                "total": p["total"],
                "percent": p["percent"],
                "passed": p["passed"],
                "failed": p["failed"],
            }
        )

    def value_progress(self, record: Any) -> str:
        return self.render_progress(record)
