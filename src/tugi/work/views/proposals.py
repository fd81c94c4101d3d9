"""Pages of the proposals topic: improvement proposals, their decision, and turning an accepted
proposal into a development request or a guide change."""

from __future__ import annotations

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

from .. import selectors_proposals as selectors
from ..filters.proposals import ProposalFilter
from ..forms.proposals import DecisionForm, GuideDraftForm, GuideLinkForm, ProposalForm, ToRequestForm
from ..models import ImprovementProposal, ProposalStatus
from ..services import proposals as services
from ..tables.proposals import ProposalTable


def proposal_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_improvementproposal")
    return list_view(
        request,
        filterset=ProposalFilter(request.GET, queryset=selectors.proposals(user=request.user)),
        table_class=ProposalTable,
        template="work/proposals_list.html",
        export_name="improvement-proposals.csv",
    )


def _detail(request: HttpRequest, proposal: ImprovementProposal, **forms: Any) -> HttpResponse:
    user = request.user
    open_ = proposal.status in (ProposalStatus.OPEN, ProposalStatus.POSTPONED)
    accepted = proposal.status == ProposalStatus.ACCEPTED
    context = {
        "proposal": proposal,
        "may_edit": open_ and proposal.author_id == user.pk and can(user, "work.change_improvementproposal"),
        "may_decide": open_
        and proposal.decider_id == user.pk
        and can(user, "work.change_improvementproposal"),
        "may_to_request": accepted
        and proposal.request_id is None
        and can(user, "work.add_developmentrequest"),
        "may_guide": accepted and can(user, "work.change_improvementproposal"),
        "may_guide_draft": accepted and can(user, "work.add_guide"),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "request_form": forms.get("request_form") or ToRequestForm(),
        "guide_form": forms.get("guide_form") or GuideLinkForm(),
        "draft_form": forms.get("draft_form") or GuideDraftForm(),
    }
    return render(request, "work/proposals_detail.html", context)


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.proposal_get(user=request.user, pk=pk))


def proposal_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_improvementproposal")
    form = ProposalForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.proposal_create(actor=request.user, **d),
        title=_("New improvement proposal"),
        success=lambda p: redirect("work:proposal_detail", p.pk),
        message=_("Proposal recorded."),
        extra={"cancel_url": reverse("work:proposal_list")},
    )


def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_improvementproposal")
    proposal = selectors.proposal_get(user=request.user, pk=pk, action="change")
    if proposal.author_id != request.user.pk:
        raise PermissionDenied
    form = ProposalForm(
        request.POST or None, initial={f: getattr(proposal, f) for f in services.PROPOSAL_FIELDS}
    )
    return form_view(
        request,
        form,
        lambda d: services.proposal_update(proposal=proposal, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": proposal},
        success=lambda p: redirect("work:proposal_detail", p.pk),
        extra={"cancel_url": reverse("work:proposal_detail", args=[proposal.pk])},
    )


def _post(request: HttpRequest, pk: int, name: str, form: Any, call: Any, ok: str) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if form.is_valid():
        try:
            target = call(proposal, form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, ok)
            return target or redirect("work:proposal_detail", proposal.pk)
    return _detail(request, selectors.proposal_get(user=request.user, pk=pk), **{name: form})


@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_improvementproposal")

    def call(p: ImprovementProposal, d: dict[str, Any]) -> None:
        services.proposal_decide(proposal=p, decision=d["decision"], actor=request.user, reason=d["reason"])

    return _post(request, pk, "decision_form", DecisionForm(request.POST), call, _("Decision recorded."))


@require_POST
def proposal_to_request(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.add_developmentrequest")

    def call(p: ImprovementProposal, d: dict[str, Any]) -> HttpResponse:
        req = services.proposal_to_request(proposal=p, actor=request.user, system=d["system"])
        return redirect("work:request_detail", req.pk)

    return _post(
        request, pk, "request_form", ToRequestForm(request.POST), call, _("Development request drafted.")
    )


@require_POST
def proposal_link_guide(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_improvementproposal")

    def call(p: ImprovementProposal, d: dict[str, Any]) -> None:
        services.proposal_link_guide(proposal=p, guide=d["guide"], note=d["note"], actor=request.user)

    return _post(request, pk, "guide_form", GuideLinkForm(request.POST), call, _("Linked to the guide."))


@require_POST
def proposal_guide_draft(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.add_guide")

    def call(p: ImprovementProposal, d: dict[str, Any]) -> HttpResponse:
        guide = services.proposal_to_guide_draft(
            proposal=p, actor=request.user, slug=d["slug"], area=d["area"]
        )
        return redirect("work:guide_edit", guide.slug)

    return _post(request, pk, "draft_form", GuideDraftForm(request.POST), call, _("Guide drafted."))


urlpatterns: list[URLPattern] = [
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals/new/", proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/decide/", proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/request/", proposal_to_request, name="proposal_to_request"),
    path("proposals/<int:pk>/guide/", proposal_link_guide, name="proposal_link_guide"),
    path("proposals/<int:pk>/guide-draft/", proposal_guide_draft, name="proposal_guide_draft"),
]
