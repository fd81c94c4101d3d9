"""What the kernel itself contributes to the shell (registered at start-up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from .navigation import NavItem, add_nav
from .registry import (
    DemoLoader,
    DeskWidget,
    JobHandler,
    Periodic,
    PersonSection,
    SearchHit,
    SearchProvider,
    registry,
)


def _persons_import_run(job: Any, progress: Any) -> dict[str, Any]:
    from .services import persons_import
    from .uploads import read_upload

    progress.update(percent=1, step=str(_("Reading the file")))
    content = read_upload(job.params["sha256"], ".csv")
    return persons_import(
        content=content, actor=job.actor, progress=progress, reason=job.params.get("reason", "")
    )


def _search_persons(user: Any, query: str) -> list[SearchHit]:
    from django.urls import reverse

    from .selectors import persons_search

    return [
        SearchHit(str(p), reverse("core:person_detail", args=[p.uid]), _("person"), p.masked_code)
        for p in persons_search(user=user, query=query, limit=10)
    ]


def _desk_jobs(request: Any) -> dict[str, Any] | None:
    from .selectors import jobs_recent

    jobs = list(jobs_recent(user=request.user, limit=5))
    return {"jobs": jobs} if jobs else None


def _desk_notifications(request: Any) -> dict[str, Any] | None:
    from .selectors import notifications_of

    items = list(notifications_of(user=request.user, unread_only=True)[:5])
    return {"notifications": items} if items else None


def _person_views_section(request: Any, person: Any) -> dict[str, Any] | None:
    from .selectors import person_views

    return {"views": list(person_views(user=request.user, person=person))}


def _start_outbox(actor: Any, key: str) -> None:
    from .tasks import deliver_outbox_task

    deliver_outbox_task.enqueue()


def _demo_persons(actor: Any, stdout: Any) -> None:
    from .demo import load_demo_persons

    load_demo_persons(actor, stdout)


def register() -> None:
    registry.add(JobHandler("persons-import", _("Import persons"), _persons_import_run))
    registry.add(SearchProvider("persons", _search_persons, order=0))
    registry.add(
        DeskWidget(
            "notifications", _("Notifications"), "core/widgets/notifications.html", _desk_notifications, 10
        )
    )
    registry.add(DeskWidget("jobs", _("My jobs"), "core/widgets/jobs.html", _desk_jobs, 900))
    registry.add(
        PersonSection(
            "views",
            _("Who viewed this person's data"),
            "core/sections/views.html",
            _person_views_section,
            1000,
        )
    )
    registry.add(Periodic("outbox-delivery", dt.timedelta(minutes=1), _start_outbox))
    registry.add(DemoLoader("persons", _demo_persons, order=10))
    area = _("Register")
    add_nav(NavItem("register", area, _("Persons"), "core:person_list", "core.view_person", 10))
    admin_area = _("Administration")
    add_nav(NavItem("admin", admin_area, _("Audit log"), "core:audit_list", "core.view_auditevent", 900))
    add_nav(NavItem("admin", admin_area, _("Jobs"), "core:job_list", "core.view_job", 910))
    add_nav(
        NavItem(
            "admin", admin_area, _("Topics and subscriptions"), "core:subscriptions", "core.view_topic", 920
        )
    )
    add_nav(NavItem("admin", admin_area, _("API tokens"), "core:token_list", "core.view_apitoken", 930))
    add_nav(NavItem("admin", admin_area, _("API documentation"), "api-1.0.0:openapi-view", "", 940))
