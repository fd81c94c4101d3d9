"""What environments, readiness checks, clones and flags add to the shell: navigation, a desk
card of unready environments and clone tasks, the hourly readiness / clone-notice job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, Periodic, SearchProvider, registry

from .. import audit_events_environments  # noqa: F401  (registers the event types)

READINESS_JOB = "delivery-readiness"


def _readiness_run(job: Any, progress: Any) -> dict[str, Any]:
    """Run every environment's readiness checks, then send the clone notices that are due."""
    from ..models import Environment
    from ..services.clones import clone_notices_due
    from ..services.readiness import readiness_run

    envs = list(Environment.objects.order_by("system", "kind", "name"))
    results: dict[str, str] = {}
    for i, env in enumerate(envs, start=1):
        progress.update(percent=int(90 * i / max(1, len(envs))), step=str(env))
        results[str(env)] = readiness_run(
            environment=env, actor=job.actor, reason=str(_("scheduled check"))
        ).result
    progress.update(percent=95, step=str(_("Clone notices")))
    notices = clone_notices_due(actor=job.actor)
    return {"checks": results, "notices": notices}


def _readiness_start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(
        kind=READINESS_JOB, key=key, actor=actor, title=str(_("Readiness checks and clone notices"))
    )


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..models import CloneTask, Environment, EnvironmentStatus

    if not can(request.user, "delivery.view_environment"):
        return None
    unready = list(
        Environment.objects.restrict(request.user)
        .exclude(status=EnvironmentStatus.READY)
        .order_by("system", "name")[:8]
    )
    tasks = list(
        CloneTask.objects.restrict(request.user)
        .filter(owner=request.user, done_at__isnull=True)
        .select_related("clone")
        .order_by("due_date")[:8]
    )
    if not unready and not tasks:
        return None
    return {"unready": unready, "tasks": tasks}


def _search(user: Any, query: str) -> list[Any]:
    from django.urls import reverse

    from tugi.core.registry import SearchHit

    from ..models import FeatureFlag

    text = query.strip()
    if len(text) < 3:
        return []
    flags = FeatureFlag.objects.restrict(user).filter(key__icontains=text).order_by("system", "key")[:10]
    return [
        SearchHit(str(f), reverse("delivery:flag_detail", args=[f.pk]), _("feature flag"), f.description[:80])
        for f in flags
    ]


def register() -> None:
    registry.add(SearchProvider("delivery-flags", _search, order=71))
    registry.add(JobHandler(READINESS_JOB, _("Readiness checks and clone notices"), _readiness_run))
    registry.add(Periodic(READINESS_JOB, dt.timedelta(hours=1), _readiness_start))
    registry.add(
        DeskWidget(
            "delivery-environments",
            _("Environments and clone follow-up"),
            "delivery/environment_widget.html",
            _desk,
            43,
        )
    )
    for label, url_name, perm, order in [
        (_("Environments"), "delivery:environment_board", "delivery.view_environment", 610),
        (_("Clones"), "delivery:clone_list", "delivery.view_cloneplan", 611),
        (_("Feature flags"), "delivery:flag_list", "delivery.view_featureflag", 612),
    ]:
        add_nav(NavItem("delivery", _("Delivery"), label, url_name, perm, order))
