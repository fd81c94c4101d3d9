"""Pages of environments: the readiness board, an environment with its check history, create
and edit, and "run now"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import rows_csv_response
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, need

from .. import selectors_environments as selectors
from ..forms.environments import EnvironmentForm
from ..services import environments as services
from ..services.readiness import readiness_run


def environment_board(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_environment")
    board = selectors.board(user=request.user)
    if request.GET.get("export") == "csv":
        rows: list[list[Any]] = [
            [
                _("System"),
                _("Environment"),
                _("Kind"),
                _("Status"),
                _("Last cloned"),
                _("Last check"),
                _("Result"),
            ]
        ]
        for row in board:
            for cell in row["cells"]:
                env, check = cell["environment"], cell["check"]
                rows.append(
                    [
                        env.system,
                        env.name,
                        env.get_kind_display(),
                        env.get_status_display(),
                        env.last_clone_date or "",
                        f"{check.started_at:%Y-%m-%d %H:%M}" if check else "",
                        check.get_result_display() if check else "",
                    ]
                )
        return rows_csv_response(rows, "environments.csv")
    return render(
        request,
        "delivery/environment_board.html",
        {
            "board": board,
            "can_add": can(request.user, "delivery.add_environment"),
            "can_run": can(request.user, "delivery.add_readinesscheck"),
            "can_run_all": can(request.user, "delivery.add_readinesscheck")
            and can(request.user, "core.add_job"),
        },
    )


def environment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    env = selectors.environment_get(user=request.user, pk=pk)
    checks = list(selectors.checks_of(user=request.user, environment=env, limit=30))
    flags = [(s.flag, s) for s in env.flag_states.select_related("flag", "changed_by").order_by("flag__key")]
    return render(
        request,
        "delivery/environment_detail.html",
        {
            "environment": env,
            "checks": checks,
            "latest": checks[0] if checks else None,
            "flags": flags,
            "expected": selectors.delivery_expected_in(env),
            "deliveries": selectors.deliveries_of(env),
            "can_edit": can(request.user, "delivery.change_environment"),
            "can_run": can(request.user, "delivery.add_readinesscheck"),
            "can_view_flags": can(request.user, "delivery.view_featureflag"),
        },
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ("" if v is None and k not in {"owner", "last_clone_date"} else v)
        for k, v in data.items()
        if k != "reason"
    }


def environment_create(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_environment")
    form = EnvironmentForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.environment_create(actor=request.user, reason=d.get("reason", ""), **_values(d)),
        title=_("New environment"),
        success=lambda env: redirect("delivery:environment_detail", env.pk),
        message=_("Environment created."),
    )


def environment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    env = selectors.environment_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(env, f) for f in services.ENVIRONMENT_FIELDS}
    form = EnvironmentForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.environment_update(
            environment=env, actor=request.user, reason=d.get("reason", ""), **_values(d)
        ),
        title=_("Edit %(env)s") % {"env": env},
        success=lambda _r: redirect("delivery:environment_detail", env.pk),
        extra={"cancel_url": env_url(env)},
    )


def env_url(env: Any) -> str:
    from django.urls import reverse

    return reverse("delivery:environment_detail", args=[env.pk])


@require_POST
def environment_run(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.add_readinesscheck")
    env = selectors.environment_get(user=request.user, pk=pk)
    delivery = None
    if request.POST.get("delivery"):
        delivery = next(
            (d for d in selectors.deliveries_of(env) if str(d.pk) == request.POST["delivery"]), None
        )
        if delivery is None:
            messages.error(request, _("Choose a delivery of %(system)s.") % {"system": env.system})
            return redirect("delivery:environment_detail", env.pk)
    check = readiness_run(
        environment=env, delivery=delivery, actor=request.user, reason=request.POST.get("reason", "")
    )
    level = messages.success if check.result == "passed" else messages.warning
    level(request, _("%(env)s: %(result)s") % {"env": env, "result": check.get_result_display()})
    return redirect(request.POST["next"] if _safe(request) else "delivery:environment_board")


@require_POST
def environment_run_all(request: HttpRequest) -> HttpResponse:
    """Start the readiness checks of every environment as a background job (with progress)."""
    from django.utils import timezone

    from tugi.core.services import job_start

    from ..contributions.environments import READINESS_JOB

    need(request, "delivery.add_readinesscheck")
    need(request, "core.add_job")
    job = job_start(
        kind=READINESS_JOB,
        key=f"manual-{request.user.pk}-{timezone.now():%Y%m%dT%H%M%S}",
        actor=request.user,
        title=_("Readiness checks and clone notices"),
    )
    return redirect("core:job_detail", job.uid)


def _safe(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next", "")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})


def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.check_get(user=request.user, pk=pk)
    if not can(request.user, "delivery.view_environment"):
        raise Http404
    return render(request, "delivery/readiness_detail.html", {"check": check})


urlpatterns: list[URLPattern] = [
    path("environments/", environment_board, name="environment_board"),
    path("environments/new/", environment_create, name="environment_create"),
    path("environments/<int:pk>/", environment_detail, name="environment_detail"),
    path("environments/<int:pk>/edit/", environment_edit, name="environment_edit"),
    path("environments/<int:pk>/run/", environment_run, name="environment_run"),
    path("environments/run-all/", environment_run_all, name="environment_run_all"),
    path("readiness/<int:pk>/", check_detail, name="readiness_detail"),
]
