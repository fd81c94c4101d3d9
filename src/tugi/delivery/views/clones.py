"""Pages of the clone schedule: list, plan, change, cancel, complete, notices, follow-up tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_environments as selectors
from ..filters.clones import ClonePlanFilter
from ..forms.clones import CloneCancelForm, CloneCompleteForm, ClonePlanForm, CloneTaskForm
from ..models import CloneStatus
from ..services import clones as services
from ..tables.clones import ClonePlanTable


def clone_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_cloneplan")
    return list_view(
        request,
        filterset=ClonePlanFilter(request.GET, queryset=selectors.clones(user=request.user)),
        table_class=ClonePlanTable,
        template="delivery/clone_list.html",
        export_name="clones.csv",
        extra={"can_add": can(request.user, "delivery.add_cloneplan")},
    )


def clone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clone = selectors.clone_get(user=request.user, pk=pk)
    return render(
        request,
        "delivery/clone_detail.html",
        {
            "clone": clone,
            "links": clone.target_links.select_related("source", "target"),
            "tasks": selectors.clone_tasks(clone=clone),
            "planned": clone.status == CloneStatus.PLANNED,
            "can_change": can(request.user, "delivery.change_cloneplan"),
            "can_task": can(request.user, "delivery.change_clonetask"),
        },
    )


def _plan_args(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": d["date"],
        "window_start": d["window_start"],
        "window_end": d["window_end"],
        "systems": d["systems"],
        "targets": d["targets"],
        "affected_partners": d.get("affected_partners") or [],
        "affected_parties": d.get("affected_parties", ""),
        "notice_emails": d.get("notice_emails", ""),
        "notice_days": d.get("notice_days"),
        "notes": d.get("notes", ""),
        "reason": d.get("reason", ""),
    }


def clone_create(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_cloneplan")
    form = ClonePlanForm(
        request.POST or None, user=request.user, initial={"window_start": "18:00", "window_end": "22:00"}
    )
    return form_view(
        request,
        form,
        lambda d: services.clone_plan_create(actor=request.user, **_plan_args(d)),
        title=_("Plan a clone of pre-production"),
        success=lambda clone: redirect("delivery:clone_detail", clone.pk),
        message=_("Clone planned."),
    )


def clone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    clone = selectors.clone_get(user=request.user, pk=pk, action="change")
    initial = {
        "date": clone.date,
        "window_start": clone.window_start,
        "window_end": clone.window_end,
        "systems": clone.systems,
        "targets": list(clone.targets.all()),
        "affected_partners": list(clone.affected_partners.all()),
        "affected_parties": clone.affected_parties,
        "notice_emails": clone.notice_emails,
        "notice_days": clone.notice_days,
        "notes": clone.notes,
    }
    form = ClonePlanForm(request.POST or None, user=request.user, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.clone_plan_update(clone=clone, actor=request.user, **_plan_args(d)),
        title=_("Change the clone plan"),
        success=lambda _r: redirect("delivery:clone_detail", clone.pk),
        extra={"cancel_url": reverse("delivery:clone_detail", args=[clone.pk])},
    )


def clone_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    clone = selectors.clone_get(user=request.user, pk=pk, action="change")
    form = CloneCancelForm(request.POST if request.method == "POST" else None)

    def call(d: dict[str, Any]) -> Any:
        services.clone_cancel(clone=clone, actor=request.user, reason=d["reason"])
        if clone.notice_sent_at:
            services.clone_notice_send(clone=clone, kind="cancelled", actor=request.user)
        return clone

    return form_view(
        request,
        form,
        call,
        title=_("Cancel the clone"),
        success=lambda _r: redirect("delivery:clone_detail", clone.pk),
        message=_("Clone cancelled."),
        extra={"cancel_url": reverse("delivery:clone_detail", args=[clone.pk])},
    )


def clone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    clone = selectors.clone_get(user=request.user, pk=pk, action="change")
    form = CloneCompleteForm(request.POST if request.method == "POST" else None)

    def call(d: dict[str, Any]) -> Any:
        services.clone_complete(
            clone=clone, actor=request.user, owner=d.get("owner"), reason=d.get("reason", "")
        )
        services.clone_notice_send(clone=clone, kind="completion", actor=request.user)
        return clone

    return form_view(
        request,
        form,
        call,
        title=_("The clone is done"),
        success=lambda _r: redirect("delivery:clone_detail", clone.pk),
        message=_("Clone recorded as done; the follow-up tasks are created and the notice sent."),
        extra={"cancel_url": reverse("delivery:clone_detail", args=[clone.pk])},
    )


@require_POST
def clone_notice(request: HttpRequest, pk: int) -> HttpResponse:
    clone = selectors.clone_get(user=request.user, pk=pk, action="change")
    try:
        summary = services.clone_notice_send(clone=clone, kind="advance", actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Notice sent: %(emails)s e-mails, %(in_app)s in Tugi.") % summary,
        )
    return redirect("delivery:clone_detail", clone.pk)


@require_POST
def clone_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.clone_task_get(user=request.user, pk=pk, action="change")
    try:
        services.clone_task_done(task=task, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task done: %(title)s") % {"title": task.title})
    return redirect("delivery:clone_detail", task.clone_id)


def clone_task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.clone_task_get(user=request.user, pk=pk, action="change")
    form = CloneTaskForm(
        request.POST or None,
        initial={"title": task.title, "owner": task.owner, "due_date": task.due_date, "note": task.note},
    )
    return form_view(
        request,
        form,
        lambda d: services.clone_task_update(
            task=task,
            actor=request.user,
            reason=d.get("reason", ""),
            title=d["title"],
            owner=d.get("owner"),
            due_date=d["due_date"],
            note=d.get("note", ""),
        ),
        title=_("Follow-up task"),
        success=lambda _r: redirect("delivery:clone_detail", task.clone_id),
        extra={"cancel_url": reverse("delivery:clone_detail", args=[task.clone_id])},
    )


urlpatterns: list[URLPattern] = [
    path("clones/", clone_list, name="clone_list"),
    path("clones/new/", clone_create, name="clone_create"),
    path("clones/<int:pk>/", clone_detail, name="clone_detail"),
    path("clones/<int:pk>/edit/", clone_edit, name="clone_edit"),
    path("clones/<int:pk>/cancel/", clone_cancel, name="clone_cancel"),
    path("clones/<int:pk>/done/", clone_complete, name="clone_complete"),
    path("clones/<int:pk>/notice/", clone_notice, name="clone_notice"),
    path("clones/tasks/<int:pk>/done/", clone_task_done, name="clone_task_done"),
    path("clones/tasks/<int:pk>/edit/", clone_task_edit, name="clone_task_edit"),
]
