"""Writes of the tasks topic: one-off tasks a manager (the task's creator, who holds
``work.add_task``) gives to an assignee, their completion, and the daily reminder of overdue tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.context import system_actor
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require

from ..audit_events import WorkEvent
from ..models import Task

TASK_FIELDS = ("title", "description", "assignee", "due_on")
TASK_TOPIC = "work-tasks"


def _check(task: Task, *, new: bool) -> None:
    task.full_clean()
    if new and task.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    if not task.assignee.is_active:
        raise ValidationError({"assignee": _("The assignee's account is not active.")})


@transaction.atomic
def task_create(*, actor: Any, reason: str = "", **values: Any) -> Task:
    """``actor`` (the manager) gives a task to ``assignee`` with a due date."""
    require(actor, "work.add_task")
    task = Task(created_by=actor)
    assign(task, values, TASK_FIELDS, keep_spaces=("description",))
    _check(task, new=True)
    return save_new(task, event=WorkEvent.TASK_CREATED, actor=actor, reason=reason)


@transaction.atomic
def task_update(*, task: Task, actor: Any, reason: str = "", **values: Any) -> Task:
    """The manager who gave the task changes it (e.g. moves the due date)."""
    require(actor, "work.change_task")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the manager who gave the task can change it."))
    before = task.audit_snapshot()
    assign(task, values, TASK_FIELDS, keep_spaces=("description",))
    _check(task, new=False)
    save_changes(task, before, event=WorkEvent.TASK_UPDATED, actor=actor, reason=reason)
    return task


@transaction.atomic
def task_complete(*, task: Task, actor: Any, note: str = "", reason: str = "") -> Task:
    """The assignee (or the manager) marks the task done, with an optional note."""
    require(actor, "work.view_task")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if actor.pk not in (task.assignee_id, task.created_by_id):
        raise PermissionDenied(_("Only the assignee or the manager can mark the task done."))
    if task.done_at is not None:
        raise ValidationError({"done_note": _("The task is already done.")})
    task.done_at, task.done_note = timezone.now(), (note or "").strip()
    task.save(update_fields=["done_at", "done_note", "updated_at"])
    audit_record(
        event=WorkEvent.TASK_DONE,
        actor=actor,
        obj=task,
        before={"done_at": None},
        after={"done_at": task.done_at, "done_note": task.done_note},
        reason=reason,
    )
    return task


@transaction.atomic
def task_reopen(*, task: Task, actor: Any, reason: str = "") -> Task:
    """The manager reopens a task marked done (the reason says why)."""
    require(actor, "work.change_task")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the manager who gave the task can reopen it."))
    if task.done_at is None:
        raise ValidationError({"done_note": _("The task is not done.")})
    before = {"done_at": task.done_at, "done_note": task.done_note}
    task.done_at, task.done_note = None, ""
    task.save(update_fields=["done_at", "done_note", "updated_at"])
    audit_record(
        event=WorkEvent.TASK_REOPENED,
        actor=actor,
        obj=task,
        before=before,
        after={"done_at": None},
        reason=reason,
    )
    return task


def task_reminders_send(*, actor: Any, today: dt.date | None = None) -> dict[str, int]:
    """Remind each assignee of each overdue task, at most once a day per task (the dedup key holds
    the task and the day)."""
    from tugi.core.services import notify, topic_ensure

    today = today or timezone.localdate()
    topic_ensure(
        code=TASK_TOPIC,
        name="Juhi ülesanded",
        description="Reminders of overdue tasks; each assignee hears about their own tasks.",
        actor=system_actor(),
    )
    sent = 0
    overdue = Task.objects.filter(done_at__isnull=True, due_on__lt=today, assignee__is_active=True)
    for task in overdue.select_related("assignee", "created_by").order_by("due_on", "pk"):
        result = notify(
            topic=TASK_TOPIC,
            subject=_("Overdue task: %(title)s (due %(due)s)")
            % {"title": task.title, "due": f"{task.due_on:%d.%m.%Y}"},
            body=_("The task “%(title)s” given by %(manager)s was due on %(due)s and is not done yet.")
            % {
                "title": task.title,
                "manager": task.created_by.get_full_name() or task.created_by.get_username(),
                "due": f"{task.due_on:%d.%m.%Y}",
            },
            actor=actor,
            dedup_key=f"work-task-overdue-{task.pk}-{today.isoformat()}",
            personal=True,
            url=reverse("work:task_list") + "?mine=1",
            users=[task.assignee],
        )
        sent += 1 if (result["emails"] or result["in_app"]) else 0
    return {"reminded": sent}
