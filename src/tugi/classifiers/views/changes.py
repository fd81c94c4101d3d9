"""Pages of the classifiers area: change requests, their impact and decision, publishing; the diff
of two versions; correspondence tables."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import rows_csv_response
from tugi.core.forms import apply_errors
from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_changes as selectors
from ..filters.changes import ChangeRequestFilter
from ..forms.changes import (
    ChangeRequestForm,
    CorrespondenceImportForm,
    DecideForm,
    DiffForm,
    OperationForm,
    PublishForm,
)
from ..models import ChangeRequestStatus
from ..services import changes as services
from ..tables.changes import ChangeRequestTable, CorrespondenceTable


def request_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "classifiers.view_changerequest")
    return list_view(
        request,
        filterset=ChangeRequestFilter(request.GET, queryset=selectors.requests(user=request.user)),
        table_class=ChangeRequestTable,
        template="classifiers/changes_request_list.html",
        export_name="change-requests.csv",
        extra={"can_create": can(request.user, "classifiers.add_changerequest")},
    )


def request_create(request: HttpRequest) -> HttpResponse:
    need(request, "classifiers.add_changerequest")
    form = ChangeRequestForm(
        request.POST or None,
        classifiers=selectors.classifiers(user=request.user),
        initial={"classifier": request.GET.get("classifier", "")},
    )
    return form_view(
        request,
        form,
        lambda d: services.change_request_create(actor=request.user, **d),
        title=_("Propose a change to a classifier"),
        success=lambda r: redirect("classifiers:changes_request_detail", r.pk),
        message=_("Change request created; add its operations."),
        extra={"cancel_url": reverse("classifiers:changes_request_list")},
    )


def _permissions(user: Any, req: Any) -> dict[str, bool]:
    draft = req.status == ChangeRequestStatus.DRAFT
    editor = user.pk == req.requested_by_id or can(user, "classifiers.change_changerequest")
    return {
        "may_edit": draft and editor and can(user, "classifiers.add_changeoperation"),
        "may_submit": draft and editor and can(user, "classifiers.add_changerequest"),
        "may_decide": req.status == ChangeRequestStatus.SUBMITTED
        and req.classifier.owner_id == user.pk
        and req.requested_by_id != user.pk
        and can(user, "classifiers.change_changerequest"),
        "may_publish": req.status == ChangeRequestStatus.APPROVED
        and can(user, "classifiers.change_changerequest")
        and can(user, "classifiers.add_classifierversion")
        and can(user, "classifiers.change_classifierversion"),
    }


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    return _detail(request, req)


def _detail(request: HttpRequest, req: Any, **forms: Any) -> HttpResponse:
    rights = _permissions(request.user, req)
    context = {
        "req": req,
        "operations": list(req.operations.all()),
        "impact": selectors.impact(req),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "publish_form": forms.get("publish_form")
        or PublishForm(initial={"valid_from": req.planned_publication}),
        **rights,
    }
    status = 400 if forms else 200
    return render(request, "classifiers/changes_request_detail.html", context, status=status)


def _call(request: HttpRequest, call: Any, success: str) -> bool:
    try:
        call()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def operation_add(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "classifiers.add_changeoperation")
    req = selectors.request_get(user=request.user, pk=pk)
    form = OperationForm(
        request.POST or None,
        schema=req.classifier.attribute_schema,
        initial={"operation": request.GET.get("operation", "add"), "code": request.GET.get("code", "")},
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            services.change_operation_add(request=req, actor=request.user, **arguments)
        except ValidationError as exc:
            apply_errors(form, _attribute_fields(exc))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Operation added."))
            return redirect("classifiers:changes_request_detail", req.pk)
    return render(
        request,
        "classifiers/changes_operation_form.html",
        {
            "form": form,
            "req": req,
            "title": _("Add an operation to change request #%(pk)d") % {"pk": req.pk},
            "cancel_url": reverse("classifiers:changes_request_detail", args=[req.pk]),
        },
    )


def _attribute_fields(exc: ValidationError) -> ValidationError:
    """The service names attribute errors ``attributes.<name>``; the form's fields are ``attr_<name>``."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            (f"attr_{key.removeprefix('attributes.')}" if key.startswith("attributes.") else key): value
            for key, value in exc.message_dict.items()
        }
    )


@require_POST
def operation_remove(request: HttpRequest, pk: int, op: int) -> HttpResponse:
    need(request, "classifiers.delete_changeoperation")
    req = selectors.request_get(user=request.user, pk=pk)
    operation = req.operations.filter(pk=op).first()
    if operation is None:
        raise Http404
    _call(
        request,
        lambda: services.change_operation_remove(operation=operation, actor=request.user),
        _("Operation removed."),
    )
    return redirect("classifiers:changes_request_detail", req.pk)


@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "classifiers.add_changerequest")
    req = selectors.request_get(user=request.user, pk=pk)
    _call(
        request,
        lambda: services.change_request_submit(request=req, actor=request.user),
        _("Submitted to the classifier's owner."),
    )
    return redirect("classifiers:changes_request_detail", req.pk)


@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "classifiers.change_changerequest")
    req = selectors.request_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_decide(
                request=req,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Decision saved."))
            return redirect("classifiers:changes_request_detail", req.pk)
    return _detail(request, selectors.request_get(user=request.user, pk=pk), decide_form=form)


@require_POST
def request_publish(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "classifiers.change_changerequest")
    req = selectors.request_get(user=request.user, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_publish(
                request=req,
                valid_from=form.cleaned_data["valid_from"],
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Published as a new version."))
            return redirect("classifiers:changes_request_detail", req.pk)
    return _detail(request, selectors.request_get(user=request.user, pk=pk), publish_form=form)


def diff(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    classifier = selectors.classifier_get(user=request.user, code=code)
    numbers = list(classifier.versions.order_by("number").values_list("number", flat=True))
    if "a" in request.GET:
        form = DiffForm(request.GET, numbers=numbers)
    elif len(numbers) > 1:  # by default the last two versions
        form = DiffForm({"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    else:
        form = DiffForm(numbers=numbers)
    result = None
    if form.is_bound and form.is_valid():
        version_a = selectors.version_get(classifier=classifier, number=form.cleaned_data["a"])
        version_b = selectors.version_get(classifier=classifier, number=form.cleaned_data["b"])
        if version_a is not None and version_b is not None:
            result = selectors.diff(version_a, version_b)
            if request.GET.get("export") == "csv":
                return rows_csv_response(
                    selectors.diff_rows(result),
                    f"{classifier.code}-v{version_a.number}-v{version_b.number}-diff.csv",
                )
    return render(
        request,
        "classifiers/changes_diff.html",
        {"classifier": classifier, "form": form, "diff": result},
    )


def correspondence_list(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    classifier = selectors.classifier_get(user=request.user, code=code)
    from_version = selectors.version_get(classifier=classifier, number=request.GET.get("from"))
    to_version = selectors.version_get(classifier=classifier, number=request.GET.get("to"))
    qs = selectors.correspondences(
        user=request.user, classifier=classifier, from_version=from_version, to_version=to_version
    )
    table = CorrespondenceTable(qs)
    if request.GET.get("export") == "csv":
        return rows_csv_response(
            [["old_code", "new_code", "note"], *qs.values_list("old_code", "new_code", "note")],
            f"{classifier.code}-correspondence.csv",
        )
    table.paginate(page=request.GET.get("page", 1), per_page=100)
    return render(
        request,
        "classifiers/changes_correspondence_list.html",
        {
            "classifier": classifier,
            "table": table,
            "pairs": selectors.correspondence_pairs(classifier=classifier),
            "from_version": from_version,
            "to_version": to_version,
            "can_import": can(request.user, "classifiers.add_correspondence")
            and can(request.user, "classifiers.delete_correspondence"),
        },
    )


def correspondence_import(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "classifiers.add_correspondence")
    need(request, "classifiers.delete_correspondence")
    classifier = selectors.classifier_get(user=request.user, code=code)
    numbers = list(classifier.versions.order_by("number").values_list("number", flat=True))
    form = CorrespondenceImportForm(request.POST or None, request.FILES or None, numbers=numbers)
    errors: list[Any] = []
    summary = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            summary = services.correspondence_import(
                classifier=classifier,
                from_version=selectors.version_get(classifier=classifier, number=data["from_version"]),
                to_version=selectors.version_get(classifier=classifier, number=data["to_version"]),
                content=data["file"].read(),
                actor=request.user,
                reason=data.get("reason", ""),
            )
        except ImportError_ as exc:
            errors = exc.errors
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "classifiers/changes_correspondence_import.html",
        {"classifier": classifier, "form": form, "errors": errors, "summary": summary},
    )


urlpatterns: list[URLPattern] = [
    path("changes/requests/", request_list, name="changes_request_list"),
    path("changes/requests/new/", request_create, name="changes_request_create"),
    path("changes/requests/<int:pk>/", request_detail, name="changes_request_detail"),
    path("changes/requests/<int:pk>/operations/new/", operation_add, name="changes_operation_add"),
    path(
        "changes/requests/<int:pk>/operations/<int:op>/remove/",
        operation_remove,
        name="changes_operation_remove",
    ),
    path("changes/requests/<int:pk>/submit/", request_submit, name="changes_request_submit"),
    path("changes/requests/<int:pk>/decide/", request_decide, name="changes_request_decide"),
    path("changes/requests/<int:pk>/publish/", request_publish, name="changes_request_publish"),
    path("changes/diff/<slug:code>/", diff, name="changes_diff"),
    path("changes/correspondence/<slug:code>/", correspondence_list, name="changes_correspondence_list"),
    path(
        "changes/correspondence/<slug:code>/import/",
        correspondence_import,
        name="changes_correspondence_import",
    ),
]
