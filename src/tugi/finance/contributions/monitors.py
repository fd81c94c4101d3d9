"""What finance's monitors topic adds to the shell: the menu item, a desk card of monitors whose
last run found rows or failed, and the daily job that runs every active monitor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, Periodic, registry

from .. import audit_events_monitors  # noqa: F401  (registers the event types)

JOB = "finance-monitors"


def _run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.monitors import monitors_run_all

    return monitors_run_all(
        actor=job.actor, progress=lambda percent, step: progress.update(percent=percent, step=str(step))
    )


def _start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(kind=JOB, key=key, actor=actor, title=str(_("Finance monitors")))


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_monitors import monitors_alerting

    if not can(request.user, "finance.view_monitor"):
        return None
    alerting = monitors_alerting(user=request.user)
    if not alerting:
        return None
    return {"monitors": alerting[:10]}


def register() -> None:
    add_nav(
        NavItem("finance", _("Finance"), _("Monitors"), "finance:monitor_list", "finance.view_monitor", 680)
    )
    registry.add(
        DeskWidget(
            key="finance-monitors",
            title=_("Monitors that found rows or failed"),
            template="finance/monitor_widget.html",
            render=_desk,
            order=70,
        )
    )
    registry.add(JobHandler(kind=JOB, title=_("Finance monitors"), run=_run))
    registry.add(Periodic(name=JOB, every=dt.timedelta(days=1), start=_start))
