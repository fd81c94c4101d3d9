"""Pages of the kernel. Views parse input, call a selector or a service, and render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from . import selectors, services
from .exports import table_csv_response
from .filters import AuditFilter, PersonFilter
from .forms import (
    PasswordChangeForm,
    PersonCreateForm,
    PersonEditForm,
    TokenCreateForm,
    UploadForm,
    apply_errors,
)
from .imports import ImportError_
from .models import Job, Person, Topic
from .permissions import can
from .registry import registry
from .tables import AuditTable, JobTable, PersonTable
from .uploads import store_upload
from .viewkit import form_view, list_view, need

# --- desk and search -----------------------------------------------------------------------------


def desk(request: HttpRequest) -> HttpResponse:
    widgets = []
    for widget in registry.desk_widgets:
        context = widget.render(request)
        if context is not None:
            widgets.append(
                {"key": widget.key, "title": widget.title, "template": widget.template, "context": context}
            )
    return render(request, "core/desk.html", {"widgets": widgets})


def search(request: HttpRequest) -> HttpResponse:
    """Global search. The query comes by POST so that a personal code never lands in a URL or log."""
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    groups = []
    if len(query) >= 2:
        for provider in registry.search_providers:
            hits = list(provider.search(request.user, query))
            if hits:
                groups.append({"key": provider.key, "hits": hits})
    template = "core/search_results.html" if request.htmx else "core/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"query": query, "groups": groups})


# --- persons -------------------------------------------------------------------------------------


def person_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "core.view_person")
    f = PersonFilter(request.GET, queryset=Person.objects.restrict(request.user))
    table = PersonTable(f.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        services.persons_view_record_many(
            viewer=request.user, persons=list(f.qs), purpose=_("persons export")
        )
        return table_csv_response(table, "persons.csv")
    shown = list(table.page.object_list.data) if table.page else []
    services.persons_view_record_many(viewer=request.user, persons=shown, purpose=_("persons list"))
    return render(request, "core/person_list.html", {"filter": f, "table": table})


def person_detail(request: HttpRequest, uid: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, uid=uid)
    purpose = request.GET.get("purpose") or _("person page")
    services.person_view_record(viewer=request.user, person=person, purpose=purpose)
    sections = []
    for section in registry.person_sections:
        context = section.render(request, person)
        if context is not None:
            sections.append({"title": section.title, "template": section.template, "context": context})
    return render(
        request,
        "core/person_detail.html",
        {"person": person, "sections": sections, "can_edit": can(request.user, "core.change_person")},
    )


def person_create(request: HttpRequest) -> HttpResponse:
    need(request, "core.add_person")
    form = PersonCreateForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.person_create(actor=request.user, **d),
        title=_("Add a person"),
        success=lambda person: redirect("core:person_detail", person.uid),
        message=_("Person added."),
    )


def person_edit(request: HttpRequest, uid: str) -> HttpResponse:
    person = selectors.get_restricted(Person.objects.all(), request.user, "change", uid=uid)
    fields = ("first_name", "last_name", "date_of_death")
    form = PersonEditForm(request.POST or None, initial={f: getattr(person, f) for f in fields})
    return form_view(
        request,
        form,
        lambda d: services.person_update(person=person, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": person},
        success=lambda p: redirect("core:person_detail", p.uid),
        message=_("Changes saved."),
        extra={"cancel_url": reverse("core:person_detail", args=[person.uid])},
    )


def person_import(request: HttpRequest) -> HttpResponse:
    need(request, "core.add_person")
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            services.persons_import_validate(content)
        except ImportError_ as exc:
            errors = exc.errors
        else:
            digest, _path = store_upload(content, ".csv")
            job = services.job_start(
                kind="persons-import",
                # per user: the same file uploaded by a colleague must not answer with their job (404)
                key=f"{request.user.pk}:{digest}",
                actor=request.user,
                params={"sha256": digest, "reason": form.cleaned_data.get("reason", "")},
                title=_("Import persons from %(name)s") % {"name": form.cleaned_data["file"].name},
            )
            return redirect("core:job_detail", job.uid)
    return render(request, "core/person_import.html", {"form": form, "errors": errors})


# --- audit ---------------------------------------------------------------------------------------


def audit_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "core.view_auditevent")
    f = AuditFilter(request.GET, queryset=selectors.audit_events(user=request.user))
    return list_view(
        request, filterset=f, table_class=AuditTable, template="core/audit_list.html", export_name="audit.csv"
    )


# --- jobs ----------------------------------------------------------------------------------------


def job_list(request: HttpRequest) -> HttpResponse:
    need(request, "core.view_job")
    table = JobTable(Job.objects.restrict(request.user).select_related("actor"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "core/job_list.html", {"table": table})


def job_detail(request: HttpRequest, uid: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, uid=uid)
    return render(request, "core/job_detail.html", {"job": job})


def job_progress(request: HttpRequest, uid: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, uid=uid)
    response = render(request, "core/job_progress.html", {"job": job})
    if job.is_finished:
        response["HX-Trigger"] = "jobFinished"
    return response


# --- tokens, notifications, subscriptions -------------------------------------------------------


def token_list(request: HttpRequest) -> HttpResponse:
    need(request, "core.view_apitoken")
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenCreateForm()
    tokens = selectors.tokens_of(user=request.user)
    return render(request, "core/token_list.html", {"form": form, "tokens": tokens, "new_token": new_token})


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("core:token_list")


def notification_list(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_of(user=request.user)[:100]
    return render(request, "core/notification_list.html", {"notifications": items})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Notification

    note = selectors.get_restricted(
        Notification.objects.filter(user_id=request.user.pk or 0), request.user, "change", pk=pk
    )
    services.notification_mark_read(notification=note, actor=request.user)
    if note.url:
        return redirect(note.url)
    return redirect("core:notification_list")


def subscriptions(request: HttpRequest) -> HttpResponse:
    need(request, "core.view_topic")
    if request.method == "POST":
        topic = selectors.get_restricted(Topic.objects.all(), request.user, pk=request.POST.get("topic"))
        channel = request.POST.get("channel", "")
        try:
            if request.POST.get("action") == "unsubscribe":
                for sub in topic.user_subscriptions.filter(user=request.user, channel=channel):
                    services.subscription_delete(subscription=sub, actor=request.user)
            else:
                services.subscription_create(
                    topic=topic, user=request.user, channel=channel, actor=request.user
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("core:subscriptions")
    rows = selectors.topics_with_subscription(user=request.user)
    return render(request, "core/subscriptions.html", {"rows": rows})


# --- health --------------------------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    import datetime as dt

    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # a health check reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied"
    seen = selectors.worker_last_seen()
    alive = seen is not None and timezone.now() - seen <= dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    checks["worker"] = "ok" if alive else ("never seen" if seen is None else f"last seen {seen.isoformat()}")
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own password; the session stays signed in afterwards."""
    from django.contrib.auth import update_session_auth_hash

    form = PasswordChangeForm(request.POST or None)

    def change(d: dict[str, Any]) -> Any:
        if d["new_password1"] != d["new_password2"]:
            raise ValidationError({"new_password2": _("The two new passwords differ.")})
        user = services.user_change_own_password(
            user=request.user, old_password=d["old_password"], new_password=d["new_password1"]
        )
        update_session_auth_hash(request, user)
        return user

    return form_view(
        request,
        form,
        change,
        title=_("Change your password"),
        success="core:desk",
        message=_("Your password was changed."),
    )
