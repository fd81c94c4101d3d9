"""Pages of the classifiers topic: classifiers, their versions and items, import and export of a
version's items, consuming systems and the freshness report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, register_converter, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tugi.core.exports import dict_table_csv_response, rows_csv_response
from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_classifiers as selectors
from ..filters.classifiers import ClassifierFilter, ConsumerFilter
from ..forms.classifiers import (
    ClassifierForm,
    ConsumerForm,
    ItemForm,
    ItemsImportForm,
    PublishForm,
    RetireItemForm,
    VersionDatesForm,
)
from ..models import Classifier, ClassifierStatus, VersionStatus
from ..services import classifiers as services
from ..services import versions as version_services
from ..tables.classifiers import ClassifierTable, ConsumerTable, FreshnessTable

MAX_TREE_ROWS = 2000


class ClassifierCodeConverter:
    """A classifier's code; a path segment that is no classifier's code does not match, so that the
    other topics' pages under /classifiers/ (changes/, dictionary/, …) are reached."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if not Classifier.objects.filter(code=value).exists():
            raise ValueError(value)
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


register_converter(ClassifierCodeConverter, "classifier")


# --- classifiers ---------------------------------------------------------------------------------


def _classifier_form(request: HttpRequest, **kwargs: Any) -> ClassifierForm:
    return ClassifierForm(
        request.POST or None, systems=selectors.managed_systems(), users=selectors.active_users(), **kwargs
    )


def classifier_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "classifiers.view_classifier")
    return list_view(
        request,
        filterset=ClassifierFilter(
            request.GET,
            queryset=selectors.classifiers(user=request.user),
            systems=selectors.managed_systems(),
            users=selectors.active_users(),
        ),
        table_class=ClassifierTable,
        template="classifiers/classifiers_list.html",
        export_name="classifiers.csv",
    )


def classifier_create(request: HttpRequest) -> HttpResponse:
    need(request, "classifiers.add_classifier")
    form = _classifier_form(request, initial={"owner": request.user.pk})
    return form_view(
        request,
        form,
        lambda d: services.classifier_create(actor=request.user, **d),
        title=_("Add a classifier"),
        success=lambda c: redirect("classifiers:classifiers_detail", c.code),
        message=_("Classifier added."),
        extra={"cancel_url": reverse("classifiers:classifiers_list")},
    )


def classifier_detail(request: HttpRequest, code: str) -> HttpResponse:
    classifier = selectors.classifier_get(user=request.user, code=code)
    user = request.user
    return render(
        request,
        "classifiers/classifiers_detail.html",
        {
            "classifier": classifier,
            "versions": selectors.versions(user=user, classifier=classifier),
            "in_force": selectors.version_in_force(classifier),
            "draft": selectors.open_draft(classifier),
            "consumers": classifier.consumers.all(),
            "review_due": selectors.review_due_on(classifier),
            "overdue": selectors.is_review_overdue(classifier),
            "can_edit": can(user, "classifiers.change_classifier"),
            "can_draft": can(user, "classifiers.add_classifierversion")
            and classifier.status != ClassifierStatus.RETIRED,
            "retired": classifier.status == ClassifierStatus.RETIRED,
        },
    )


def classifier_edit(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "classifiers.change_classifier")
    classifier = selectors.classifier_get(user=request.user, code=code, action="change")
    initial = {
        "name_et": classifier.name_et,
        "name_en": classifier.name_en,
        "description": classifier.description,
        "owner_system": classifier.owner_system_id,
        "owner": classifier.owner_id,
        "maintainer": classifier.maintainer_id,
        "legal_basis": classifier.legal_basis,
        "consumers": list(classifier.consumers.values_list("pk", flat=True)),
        "review_interval_days": classifier.review_interval_days,
        "attribute_schema": selectors.schema_text(classifier),
    }
    form = _classifier_form(request, initial=initial, editing=True)
    return form_view(
        request,
        form,
        lambda d: services.classifier_update(classifier=classifier, actor=request.user, **d),
        title=_("Edit the classifier %(code)s") % {"code": classifier.code},
        success=lambda c: redirect("classifiers:classifiers_detail", c.code),
        extra={"cancel_url": reverse("classifiers:classifiers_detail", args=[classifier.code])},
    )


def _post_action(request: HttpRequest, call: Any, success: str, done: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(success)


@require_POST
def classifier_review(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "classifiers.change_classifier")
    classifier = selectors.classifier_get(user=request.user, code=code, action="change")
    return _post_action(
        request,
        lambda: services.classifier_review_confirm(
            classifier=classifier, actor=request.user, reason=request.POST.get("reason", "")
        ),
        reverse("classifiers:classifiers_detail", args=[code]),
        _("The review is confirmed."),
    )


@require_POST
def classifier_retire(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "classifiers.change_classifier")
    classifier = selectors.classifier_get(user=request.user, code=code, action="change")
    return _post_action(
        request,
        lambda: services.classifier_retire(
            classifier=classifier, actor=request.user, reason=request.POST.get("reason", "")
        ),
        reverse("classifiers:classifiers_detail", args=[code]),
        _("The classifier is retired."),
    )


# --- versions ------------------------------------------------------------------------------------


@require_POST
def version_create(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "classifiers.add_classifierversion")
    classifier = selectors.classifier_get(user=request.user, code=code)
    try:
        version = version_services.version_draft_create(
            classifier=classifier,
            actor=request.user,
            note=request.POST.get("note", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("classifiers:classifiers_detail", code)
    messages.success(request, _("Draft version %(n)d created.") % {"n": version.number})
    return redirect("classifiers:classifiers_version", code, version.number)


def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse | StreamingHttpResponse:
    classifier = selectors.classifier_get(user=request.user, code=code)
    version = selectors.version_get(user=request.user, classifier=classifier, number=number)
    export = request.GET.get("export", "")
    name = f"{classifier.code}-v{version.number}"
    if export == "csv":
        return rows_csv_response(selectors.export_rows(version), f"{name}.csv")
    if export == "xlsx":
        response = HttpResponse(
            selectors.export_xlsx(version),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if export == "json":
        response = HttpResponse(
            selectors.export_json(version), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    at_text = request.GET.get("at", "")
    at = parse_date(at_text) if at_text else None
    bad_at = bool(at_text) and at is None
    items = selectors.items_tree(version, at)
    draft = version.status == VersionStatus.DRAFT
    user = request.user
    return render(
        request,
        "classifiers/classifiers_version.html",
        {
            "classifier": classifier,
            "version": version,
            "items": items[:MAX_TREE_ROWS],
            "item_count": len(items),
            "truncated": len(items) > MAX_TREE_ROWS,
            "at": at,
            "bad_at": bad_at,
            "draft": draft,
            "earlier": selectors.earlier_code_set(version) if draft else set(),
            "schema": selectors.item_schema(classifier),
            "can_add": draft and can(user, "classifiers.add_item"),
            "can_change": can(user, "classifiers.change_item"),
            "can_publish": draft and can(user, "classifiers.change_classifierversion"),
            "can_dates": not draft and can(user, "classifiers.change_classifierversion"),
            "can_import": draft
            and can(user, "classifiers.add_item")
            and can(user, "classifiers.change_item"),
        },
    )


def _version(request: HttpRequest, code: str, number: int) -> Any:
    classifier = selectors.classifier_get(user=request.user, code=code)
    return selectors.version_get(user=request.user, classifier=classifier, number=number)


def _version_url(version: Any) -> str:
    return reverse("classifiers:classifiers_version", args=[version.classifier.code, version.number])


def version_publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    need(request, "classifiers.change_classifierversion")
    version = _version(request, code, number)
    if version.status != VersionStatus.DRAFT:
        raise Http404
    form = PublishForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: version_services.version_publish(version=version, actor=request.user, **d),
        title=_("Publish version %(n)d of %(code)s") % {"n": version.number, "code": code},
        success=lambda v: redirect(_version_url(v)),
        message=_("The version is published."),
        extra={"cancel_url": _version_url(version)},
    )


def version_dates(request: HttpRequest, code: str, number: int) -> HttpResponse:
    need(request, "classifiers.change_classifierversion")
    version = _version(request, code, number)
    form = VersionDatesForm(
        request.POST or None, initial={"valid_from": version.valid_from, "valid_to": version.valid_to}
    )
    return form_view(
        request,
        form,
        lambda d: services.version_update_dates(version=version, actor=request.user, **d),
        title=_("Validity of version %(n)d of %(code)s") % {"n": version.number, "code": code},
        success=lambda v: redirect(_version_url(v)),
        extra={"cancel_url": _version_url(version)},
    )


def items_import(request: HttpRequest, code: str, number: int) -> HttpResponse:
    need(request, "classifiers.add_item")
    need(request, "classifiers.change_item")
    version = _version(request, code, number)
    form = ItemsImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.items_import(
                version=version,
                content=form.cleaned_data["file"].read(),
                fmt=form.cleaned_data["fmt"],
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ImportError_ as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "classifiers/classifiers_import.html",
        {
            "classifier": version.classifier,
            "version": version,
            "form": form,
            "errors": errors,
            "summary": summary,
            "columns": ";".join(selectors.export_columns(version.classifier)),
        },
    )


# --- items ---------------------------------------------------------------------------------------


def item_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    need(request, "classifiers.add_item")
    version = _version(request, code, number)
    form = ItemForm(
        request.POST or None,
        schema=selectors.item_schema(version.classifier),
        initial={"parent_code": request.GET.get("parent", "")},
    )
    return form_view(
        request,
        form,
        lambda d: services.item_add(
            version=version, actor=request.user, reason=d.get("reason", ""), **form.values()
        ),
        title=_("Add an item to version %(n)d of %(code)s") % {"n": version.number, "code": code},
        success=lambda i: redirect(_version_url(version)),
        message=_("Item added."),
        extra={"cancel_url": _version_url(version)},
    )


def item_edit(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    need(request, "classifiers.change_item")
    version = _version(request, code, number)
    item = selectors.item_get(version=version, pk=pk)
    fields = (
        services.ITEM_EDIT_FIELDS if version.status == VersionStatus.DRAFT else services.PUBLISHED_EDIT_FIELDS
    )
    initial: dict[str, Any] = {name: getattr(item, name) for name in fields if name != "attributes"}
    initial.update({f"attributes.{k}": v for k, v in item.attributes.items()})
    form = ItemForm(
        request.POST or None, schema=selectors.item_schema(version.classifier), fields=fields, initial=initial
    )
    return form_view(
        request,
        form,
        lambda d: services.item_change(
            item=item, actor=request.user, reason=d.get("reason", ""), **form.values()
        ),
        title=_("Edit the item %(item)s") % {"item": item.code},
        success=lambda i: redirect(_version_url(version)),
        extra={"cancel_url": _version_url(version)},
    )


def item_retire(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    need(request, "classifiers.change_item")
    version = _version(request, code, number)
    item = selectors.item_get(version=version, pk=pk)
    form = RetireItemForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.item_retire(item=item, actor=request.user, **d),
        title=_("Retire the item %(item)s") % {"item": item.code},
        success=lambda i: redirect(_version_url(version)),
        message=_("The item is retired."),
        extra={"cancel_url": _version_url(version)},
    )


@require_POST
def item_remove(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    need(request, "classifiers.change_item")
    version = _version(request, code, number)
    item = selectors.item_get(version=version, pk=pk)
    return _post_action(
        request,
        lambda: services.item_remove(item=item, actor=request.user, reason=request.POST.get("reason", "")),
        _version_url(version),
        _("The item is removed from the draft."),
    )


# --- consuming systems ---------------------------------------------------------------------------


def consumer_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "classifiers.view_consumingsystem")
    return list_view(
        request,
        filterset=ConsumerFilter(request.GET, queryset=selectors.consumers(user=request.user)),
        table_class=ConsumerTable,
        template="classifiers/classifiers_consumers.html",
        export_name="consuming-systems.csv",
    )


def consumer_create(request: HttpRequest) -> HttpResponse:
    need(request, "classifiers.add_consumingsystem")
    form = ConsumerForm(request.POST or None, partners=selectors.partners(user=request.user))
    return form_view(
        request,
        form,
        lambda d: services.consumer_create(actor=request.user, **d),
        title=_("Add a consuming system"),
        success="classifiers:classifiers_consumer_list",
        message=_("Consuming system added."),
        extra={"cancel_url": reverse("classifiers:classifiers_consumer_list")},
    )


def consumer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consumer = selectors.consumer_get(user=request.user, pk=pk)
    need(request, "classifiers.change_consumingsystem")
    initial = {
        "code": consumer.code,
        "name": consumer.name,
        "partner": consumer.partner_id,
        "contact_email": consumer.contact_email,
    }
    form = ConsumerForm(request.POST or None, partners=selectors.partners(user=request.user), initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.consumer_update(consumer=consumer, actor=request.user, **d),
        title=_("Edit the consuming system %(code)s") % {"code": consumer.code},
        success="classifiers:classifiers_consumer_list",
        extra={"cancel_url": reverse("classifiers:classifiers_consumer_list")},
    )


# --- freshness -----------------------------------------------------------------------------------


def freshness(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "classifiers.view_classifier")
    mine = request.GET.get("mine") == "1"
    findings = selectors.freshness_findings(user=request.user, person=request.user if mine else None)
    check = request.GET.get("check", "")
    if check:
        findings = [f for f in findings if f["check"] == check]
    table = FreshnessTable(findings)
    if request.GET.get("export") == "csv":
        return dict_table_csv_response(table, "classifier-freshness.csv")
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "classifiers/classifiers_freshness.html",
        {
            "table": table,
            "mine": mine,
            "check": check,
            "checks": selectors.FRESHNESS_CHECKS,
            "total": len(findings),
        },
    )


urlpatterns: list[URLPattern] = [
    path("", classifier_list, name="classifiers_list"),
    path("new/", classifier_create, name="classifiers_create"),
    path("consumers/", consumer_list, name="classifiers_consumer_list"),
    path("consumers/new/", consumer_create, name="classifiers_consumer_create"),
    path("consumers/<int:pk>/edit/", consumer_edit, name="classifiers_consumer_edit"),
    path("freshness/", freshness, name="classifiers_freshness"),
    path("<classifier:code>/", classifier_detail, name="classifiers_detail"),
    path("<classifier:code>/edit/", classifier_edit, name="classifiers_edit"),
    path("<classifier:code>/review/", classifier_review, name="classifiers_review"),
    path("<classifier:code>/retire/", classifier_retire, name="classifiers_retire"),
    path("<classifier:code>/versions/new/", version_create, name="classifiers_version_create"),
    path("<classifier:code>/versions/<int:number>/", version_detail, name="classifiers_version"),
    path(
        "<classifier:code>/versions/<int:number>/publish/",
        version_publish,
        name="classifiers_version_publish",
    ),
    path("<classifier:code>/versions/<int:number>/dates/", version_dates, name="classifiers_version_dates"),
    path("<classifier:code>/versions/<int:number>/import/", items_import, name="classifiers_items_import"),
    path("<classifier:code>/versions/<int:number>/items/new/", item_add, name="classifiers_item_add"),
    path(
        "<classifier:code>/versions/<int:number>/items/<int:pk>/edit/",
        item_edit,
        name="classifiers_item_edit",
    ),
    path(
        "<classifier:code>/versions/<int:number>/items/<int:pk>/retire/",
        item_retire,
        name="classifiers_item_retire",
    ),
    path(
        "<classifier:code>/versions/<int:number>/items/<int:pk>/remove/",
        item_remove,
        name="classifiers_item_remove",
    ),
]
