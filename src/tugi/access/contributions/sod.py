"""What the access area's segregation of duties topic adds to the shell: navigation and the daily
scan of every account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import JobHandler, Periodic, registry

SCAN_JOB = "access-sod-scan"


def _scan_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.sod import sod_scan

    return sod_scan(actor=job.actor, progress=progress)


def _scan_start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(kind=SCAN_JOB, key=key, actor=actor, title=str(_("Segregation of duties scan")))


def register() -> None:
    registry.add(JobHandler(SCAN_JOB, _("Segregation of duties scan"), _scan_run))
    registry.add(Periodic(SCAN_JOB, dt.timedelta(days=1), _scan_start))
    area = _("User rights")
    add_nav(
        NavItem(
            "access",
            area,
            _("Segregation of duties policies"),
            "access:sod_policy_list",
            "access.view_sodpolicy",
            460,
        )
    )
    add_nav(
        NavItem(
            "access",
            area,
            _("Segregation of duties violations"),
            "access:sod_violation_list",
            "access.view_sodviolation",
            465,
        )
    )
    add_nav(
        NavItem(
            "access",
            area,
            _("Segregation of duties exceptions"),
            "access:sod_exception_list",
            "access.view_sodexception",
            470,
        )
    )
