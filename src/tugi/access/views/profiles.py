"""Pages of the access area: profiles, their content and versions, proposed changes, compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_profiles as selectors
from ..filters.profiles import ProfileFilter
from ..forms.profiles import (
    CompareForm,
    ProfileContentForm,
    ProfileCreateForm,
    ProfileEditForm,
    ProfileProposeForm,
)
from ..models import ProfileStatus
from ..services import profiles as services
from ..tables.profiles import ProfileTable


def profile_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_profile")
    return list_view(
        request,
        filterset=ProfileFilter(request.GET, queryset=selectors.profiles(user=request.user)),
        table_class=ProfileTable,
        template="access/profiles_list.html",
        export_name="profiles.csv",
    )


def profile_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_profile")
    initial = {"owner": request.user.pk, "system": request.GET.get("system")}
    form = ProfileCreateForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.profile_create(actor=request.user, **d),
        title=_("New profile"),
        success=lambda p: redirect("access:profiles_content", p.pk),
        message=_("Draft profile created; now choose its rights."),
        extra={"cancel_url": reverse("access:profiles_list")},
    )


def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get(user=request.user, pk=pk)
    user = request.user
    proposal = selectors.open_proposal(profile)
    current = selectors.current_version(profile)
    may_change = can(user, "access.change_profile")
    context: dict[str, Any] = {
        "profile": profile,
        "content_version": current,
        "content": selectors.profile_content(profile),
        "versions": selectors.versions(profile=profile),
        "proposal": proposal,
        "proposal_diff": selectors.compare(profile, proposal) if proposal is not None else None,
        "decision_refusal": services.decision_refusal(proposal, user) if proposal is not None else None,
        "holders": selectors.holders_count(profile=profile),
        "positions": [p.strip() for p in profile.positions.split(",") if p.strip()],
        "can_edit": may_change and profile.status != ProfileStatus.RETIRED,
        "can_edit_content": may_change and profile.status == ProfileStatus.DRAFT,
        "can_activate": may_change and profile.status == ProfileStatus.DRAFT,
        "can_propose": can(user, "access.add_profileversion")
        and profile.status == ProfileStatus.ACTIVE
        and proposal is None,
        "can_deprecate": may_change and profile.status == ProfileStatus.ACTIVE,
        "can_retire": may_change and profile.status == ProfileStatus.DEPRECATED,
    }
    return render(request, "access/profiles_detail.html", context)


def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_profile")
    profile = selectors.profile_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(profile, f) for f in services.PROFILE_FIELDS}
    initial["owner"] = profile.owner_id
    form = ProfileEditForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.profile_update(profile=profile, actor=request.user, **d),
        title=_("Edit the profile %(profile)s") % {"profile": profile},
        success=lambda p: redirect("access:profiles_detail", p.pk),
        extra={"cancel_url": reverse("access:profiles_detail", args=[profile.pk])},
    )


def profile_content(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_profile")
    profile = selectors.profile_get(user=request.user, pk=pk, action="change")
    if profile.status != ProfileStatus.DRAFT:
        messages.error(request, _("Only a draft profile's content is edited directly; propose a change."))
        return redirect("access:profiles_detail", profile.pk)
    draft = selectors.draft_version(profile)
    rights = list(draft.rights.values_list("pk", flat=True)) if draft else []
    includes = list(draft.includes.values_list("pk", flat=True)) if draft else []
    form = ProfileContentForm(
        request.POST or None,
        profile=profile,
        chosen_rights=rights,
        initial={"rights": rights, "includes": includes},
    )
    return form_view(
        request,
        form,
        lambda d: services.profile_draft_content_set(profile=profile, actor=request.user, **d),
        title=_("Content of the draft profile %(profile)s") % {"profile": profile},
        success=lambda v: redirect("access:profiles_detail", profile.pk),
        message=_("The draft's content is saved."),
        extra={"cancel_url": reverse("access:profiles_detail", args=[profile.pk])},
    )


def profile_propose(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.add_profileversion")
    profile = selectors.profile_get(user=request.user, pk=pk)
    current = selectors.version_in_force(profile)
    rights = list(current.rights.values_list("pk", flat=True)) if current else []
    includes = list(current.includes.values_list("pk", flat=True)) if current else []
    form = ProfileProposeForm(
        request.POST or None,
        profile=profile,
        chosen_rights=rights,
        initial={"rights": rights, "includes": includes},
    )
    return form_view(
        request,
        form,
        lambda d: services.profile_change_propose(profile=profile, actor=request.user, **d),
        title=_("Propose a change to %(profile)s") % {"profile": profile},
        success=lambda v: redirect("access:profiles_detail", profile.pk),
        message=_("The change is proposed; the profile owner decides it."),
        extra={"cancel_url": reverse("access:profiles_detail", args=[profile.pk])},
    )


def _act(request: HttpRequest, call: Callable[[str], Any], done: str, back: Any) -> HttpResponse:
    """Call a state-changing service with the POSTed reason; show its refusal as a message."""
    try:
        call(request.POST.get("reason", "").strip()[:500])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, done)
    return back


@require_POST
def profile_activate(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_profile")
    profile = selectors.profile_get(user=request.user, pk=pk, action="change")
    return _act(
        request,
        lambda reason: services.profile_activate(profile=profile, actor=request.user, reason=reason),
        _("The profile is active."),
        redirect("access:profiles_detail", profile.pk),
    )


@require_POST
def profile_deprecate(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_profile")
    profile = selectors.profile_get(user=request.user, pk=pk, action="change")
    return _act(
        request,
        lambda reason: services.profile_deprecate(profile=profile, actor=request.user, reason=reason),
        _("The profile is deprecated: no new requests are taken."),
        redirect("access:profiles_detail", profile.pk),
    )


@require_POST
def profile_retire(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_profile")
    profile = selectors.profile_get(user=request.user, pk=pk, action="change")
    return _act(
        request,
        lambda reason: services.profile_retire(profile=profile, actor=request.user, reason=reason),
        _("The profile is retired."),
        redirect("access:profiles_detail", profile.pk),
    )


@require_POST
def version_approve(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda reason: services.profile_change_approve(version=version, actor=request.user, reason=reason),
        _("The change is approved and in force."),
        redirect("access:profiles_detail", version.profile_id),
    )


@require_POST
def version_reject(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda reason: services.profile_change_reject(version=version, actor=request.user, reason=reason),
        _("The change is rejected."),
        redirect("access:profiles_detail", version.profile_id),
    )


def profile_compare(request: HttpRequest) -> HttpResponse:
    need(request, "access.view_profile")
    choices = selectors.compare_choices(user=request.user)
    chosen = "a" in request.GET and "b" in request.GET
    form = CompareForm(
        request.GET if chosen else None,
        initial={"a": request.GET.get("a", ""), "b": request.GET.get("b", "")},
        choices=choices,
    )
    comparison = None
    if chosen and form.is_valid():
        try:
            a = selectors.parse_ref(user=request.user, text=form.cleaned_data["a"], name="a")
            b = selectors.parse_ref(user=request.user, text=form.cleaned_data["b"], name="b")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            comparison = selectors.compare(a, b)
    return render(request, "access/profiles_compare.html", {"form": form, "comparison": comparison})


urlpatterns: list[URLPattern] = [
    path("profiles/", profile_list, name="profiles_list"),
    path("profiles/new/", profile_create, name="profiles_create"),
    path("profiles/compare/", profile_compare, name="profiles_compare"),
    path("profiles/<int:pk>/", profile_detail, name="profiles_detail"),
    path("profiles/<int:pk>/edit/", profile_edit, name="profiles_edit"),
    path("profiles/<int:pk>/content/", profile_content, name="profiles_content"),
    path("profiles/<int:pk>/propose/", profile_propose, name="profiles_propose"),
    path("profiles/<int:pk>/activate/", profile_activate, name="profiles_activate"),
    path("profiles/<int:pk>/deprecate/", profile_deprecate, name="profiles_deprecate"),
    path("profiles/<int:pk>/retire/", profile_retire, name="profiles_retire"),
    path("profiles/versions/<int:pk>/approve/", version_approve, name="profiles_version_approve"),
    path("profiles/versions/<int:pk>/reject/", version_reject, name="profiles_version_reject"),
]
