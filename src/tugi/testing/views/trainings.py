"""Pages of guidance and trainings: testing guides with review dates, trainings with materials and
participants, and the "who has been trained on what" matrix (also as CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tugi.core.exports import rows_csv_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.uploads import read_upload
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_reports as selectors
from ..filters.reports import TrainingFilter
from ..forms.reports import MaterialForm, ParticipantsForm, TrainingCreateForm, TrainingForm
from ..services import trainings as services
from ..tables.reports import TrainingTable


def guidance(request: HttpRequest) -> HttpResponse:
    need(request, "work.view_guide")
    today = timezone.localdate()
    guides = selectors.testing_guides(user=request.user)
    return render(
        request,
        "testing/training_guidance.html",
        {
            "guides": [(g, g.is_review_overdue(today)) for g in guides],
            "can_create": can(request.user, "work.add_guide"),
        },
    )


def training_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_training")
    return list_view(
        request,
        filterset=TrainingFilter(request.GET, queryset=selectors.trainings(user=request.user)),
        table_class=TrainingTable,
        template="testing/training_list.html",
        export_name="trainings.csv",
    )


def training_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_training")
    form = TrainingCreateForm(request.POST or None, users=selectors.users_for_choice())
    return form_view(
        request,
        form,
        lambda d: services.training_create(actor=request.user, **d),
        title=_("New training"),
        success=lambda t: redirect("testing:training_detail", t.pk),
        message=_("Training created."),
        extra={"cancel_url": reverse("testing:training_list")},
    )


def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_training")
    training = selectors.training_get(user=request.user, pk=pk)
    form = TrainingForm(
        request.POST or None,
        initial={
            "topic": training.topic,
            "held_on": training.held_on,
            "trainer": training.trainer,
            "description": training.description,
        },
    )
    return form_view(
        request,
        form,
        lambda d: services.training_update(training=training, actor=request.user, **d),
        title=_("Edit training"),
        success=lambda t: redirect("testing:training_detail", t.pk),
        extra={"cancel_url": reverse("testing:training_detail", args=[training.pk])},
    )


def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.training_get(user=request.user, pk=pk)
    return render(
        request,
        "testing/training_detail.html",
        {
            "training": training,
            "participants": list(selectors.training_participants(training)),
            "materials": list(training.materials.all()),
            "may_change": can(request.user, "testing.change_training"),
        },
    )


def training_participants(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_training")
    training = selectors.training_get(user=request.user, pk=pk)
    current = list(selectors.training_participants(training))
    form = ParticipantsForm(
        request.POST or None,
        users=selectors.users_for_choice(),
        initial={
            "participants": [p.user_id for p in current],
            "attended": [p.user_id for p in current if p.attended],
        },
    )
    return form_view(
        request,
        form,
        lambda d: services.training_participants_set(training=training, actor=request.user, **d),
        title=_("Participants of %(training)s") % {"training": training},
        success=lambda t: redirect("testing:training_detail", t.pk),
        extra={"cancel_url": reverse("testing:training_detail", args=[training.pk])},
    )


def training_material_add(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_training")
    training = selectors.training_get(user=request.user, pk=pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            services.training_material_add(
                training=training,
                actor=request.user,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                content=upload.read() if upload else None,
                file_name=upload.name if upload else "",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Material added."))
            return redirect("testing:training_detail", training.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Add material to %(training)s") % {"training": training},
            "cancel_url": reverse("testing:training_detail", args=[training.pk]),
        },
    )


def training_material_file(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    training = selectors.training_get(user=request.user, pk=pk)
    item = training.materials.filter(pk=material).exclude(file_digest="").first()
    if item is None:
        raise Http404
    try:
        content = read_upload(item.file_digest, services.material_suffix(item))
    except (OSError, ValueError):
        raise Http404 from None
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, item.file_name) or "attachment"
    return response


def training_matrix(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_training")
    matrix = selectors.training_matrix(user=request.user)
    if request.GET.get("export") == "csv":
        header = [_("User"), _("Name"), *matrix["topics"]]
        rows = [
            [
                r["user"].username,
                r["user"].get_full_name(),
                *[d.strftime("%d.%m.%Y") if d else "" for d in r["dates"]],
            ]
            for r in matrix["rows"]
        ]
        return rows_csv_response([header, *rows], "trained-on-what.csv")
    return render(request, "testing/training_matrix.html", matrix)


urlpatterns: list[URLPattern] = [
    path("guidance/", guidance, name="training_guidance"),
    path("trainings/", training_list, name="training_list"),
    path("trainings/new/", training_create, name="training_create"),
    path("trainings/who-trained/", training_matrix, name="training_matrix"),
    path("trainings/<int:pk>/", training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", training_edit, name="training_edit"),
    path("trainings/<int:pk>/participants/", training_participants, name="training_participants"),
    path("trainings/<int:pk>/materials/new/", training_material_add, name="training_material_add"),
    path(
        "trainings/<int:pk>/materials/<int:material>/", training_material_file, name="training_material_file"
    ),
]
