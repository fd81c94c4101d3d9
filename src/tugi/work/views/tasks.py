"""Pages of the tasks topic: tasks from the manager, their completion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_tasks as selectors
from ..filters.tasks import TaskFilter
from ..forms.tasks import TaskDoneForm, TaskForm
from ..models import Task
from ..services import tasks as services
from ..tables.tasks import TaskTable


def task_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_task")
    return list_view(
        request,
        filterset=TaskFilter(request.GET, queryset=selectors.tasks(user=request.user), request=request),
        table_class=TaskTable,
        template="work/tasks_list.html",
        export_name="tasks.csv",
    )


def _detail(request: HttpRequest, task: Task, form: Any = None) -> HttpResponse:
    user = request.user
    return render(
        request,
        "work/tasks_detail.html",
        {
            "task": task,
            "overdue": task.is_overdue(timezone.localdate()),
            "may_complete": task.done_at is None and user.pk in (task.assignee_id, task.created_by_id),
            "may_edit": task.created_by_id == user.pk and can(user, "work.change_task"),
            "form": form or TaskDoneForm(),
        },
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.task_get(user=request.user, pk=pk))


def task_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_task")
    form = TaskForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.task_create(actor=request.user, **d),
        title=_("New task"),
        success=lambda t: redirect("work:task_detail", t.pk),
        message=_("Task assigned."),
        extra={"cancel_url": reverse("work:task_list")},
    )


def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_task")
    task = selectors.task_get(user=request.user, pk=pk, action="change")
    if task.created_by_id != request.user.pk:
        raise PermissionDenied
    form = TaskForm(request.POST or None, initial={f: getattr(task, f) for f in services.TASK_FIELDS})
    return form_view(
        request,
        form,
        lambda d: services.task_update(task=task, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": task},
        success=lambda t: redirect("work:task_detail", t.pk),
        extra={"cancel_url": reverse("work:task_detail", args=[task.pk])},
    )


@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.task_complete(task=task, actor=request.user, note=form.cleaned_data.get("note", ""))
        except PermissionDenied:
            raise
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Task done."))
            return redirect("work:task_detail", task.pk)
    return _detail(request, task, form)


@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_task")
    task = selectors.task_get(user=request.user, pk=pk, action="change")
    try:
        services.task_reopen(task=task, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Task reopened."))
    return redirect("work:task_detail", task.pk)


urlpatterns: list[URLPattern] = [
    path("tasks/", task_list, name="task_list"),
    path("tasks/new/", task_create, name="task_create"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/done/", task_complete, name="task_complete"),
    path("tasks/<int:pk>/reopen/", task_reopen, name="task_reopen"),
]
