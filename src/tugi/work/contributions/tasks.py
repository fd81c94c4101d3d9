"""What the tasks topic adds to the shell: navigation, overdue tasks on the assignee's and the
manager's desks, the daily reminder of overdue tasks, and the pending items for the weekly summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, PendingItem, PendingSource, Periodic, registry

REMINDER_JOB = "work-task-reminders"


def _overdue(request: Any) -> list[Any]:
    """The user's overdue tasks, given to them or by them: one query for both desk cards."""
    if not hasattr(request, "_work_overdue_tasks"):
        from ..selectors_tasks import overdue_of_user

        request._work_overdue_tasks = list(overdue_of_user(user=request.user))
    return request._work_overdue_tasks


def _desk_mine(request: Any) -> dict[str, Any] | None:
    items = [t for t in _overdue(request) if t.assignee_id == request.user.pk][:10]
    return {"tasks": items, "mine": True} if items else None


def _desk_given(request: Any) -> dict[str, Any] | None:
    items = [t for t in _overdue(request) if t.created_by_id == request.user.pk != t.assignee_id][:10]
    return {"tasks": items, "mine": False} if items else None


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    from ..selectors_tasks import overdue_of_assignee

    return [
        PendingItem(
            _("Overdue task: %(title)s") % {"title": t.title},
            reverse("work:task_detail", args=[t.pk]),
            t.due_on,
            _("overdue task"),
        )
        for t in overdue_of_assignee(user=user, today=today)
    ]


def _run_reminders(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.tasks import task_reminders_send

    return task_reminders_send(actor=job.actor)


def _start_reminders(actor: Any, key: str) -> None:
    from tugi.core.services import job_start

    job_start(kind=REMINDER_JOB, key=key, actor=actor)


def register() -> None:
    registry.add(
        DeskWidget(
            "work-tasks-mine", gettext_lazy("My overdue tasks"), "work/widgets/tasks.html", _desk_mine, 20
        )
    )
    registry.add(
        DeskWidget(
            "work-tasks-given",
            gettext_lazy("Overdue tasks I gave"),
            "work/widgets/tasks.html",
            _desk_given,
            45,
        )
    )
    registry.add(PendingSource("work-tasks", gettext_lazy("Tasks"), _pending, order=10))
    registry.add(JobHandler(REMINDER_JOB, gettext_lazy("Remind assignees of overdue tasks"), _run_reminders))
    registry.add(Periodic(REMINDER_JOB, dt.timedelta(days=1), _start_reminders))
    add_nav(
        NavItem("work", gettext_lazy("Work"), gettext_lazy("Tasks"), "work:task_list", "work.view_task", 695)
    )
