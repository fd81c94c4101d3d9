"""Writes of the proposals topic: improvement proposals, their decision with reasons, and what an
accepted proposal turns into: a development request (prefilled and linked) or a guide change (a
link to a guide with a note, or a new guide draft made through the guides topic's service)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require

from ..audit_events import WorkEvent
from ..models import DevelopmentRequest, Guide, ImprovementProposal, ProposalStatus, RequestStatus
from .guides import guide_create

PROPOSAL_FIELDS = ("title", "problem", "proposal", "expected_benefit", "decider")
DECISIONS = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.POSTPONED)


@transaction.atomic
def proposal_create(*, actor: Any, reason: str = "", **values: Any) -> ImprovementProposal:
    """Record a proposal by ``actor``; ``decider`` is who decides on it (usually the manager)."""
    require(actor, "work.add_improvementproposal")
    proposal = ImprovementProposal(author=actor)
    assign(proposal, values, PROPOSAL_FIELDS, keep_spaces=("problem", "proposal", "expected_benefit"))
    return save_new(proposal, event=WorkEvent.PROPOSAL_CREATED, actor=actor, reason=reason)


@transaction.atomic
def proposal_update(
    *, proposal: ImprovementProposal, actor: Any, reason: str = "", **values: Any
) -> ImprovementProposal:
    """The author changes a proposal that still waits for a decision (or was postponed)."""
    require(actor, "work.change_improvementproposal")
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can change the proposal."))
    if proposal.status not in (ProposalStatus.OPEN, ProposalStatus.POSTPONED):
        raise ValidationError({"status": _("A decided proposal cannot be changed.")})
    before = proposal.audit_snapshot()
    assign(proposal, values, PROPOSAL_FIELDS, keep_spaces=("problem", "proposal", "expected_benefit"))
    save_changes(proposal, before, event=WorkEvent.PROPOSAL_UPDATED, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def proposal_decide(
    *, proposal: ImprovementProposal, decision: str, actor: Any, reason: str = ""
) -> ImprovementProposal:
    """The decider accepts, rejects or postpones the proposal, always with reasons. A postponed
    proposal may be decided again later."""
    require(actor, "work.change_improvementproposal")
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.decider_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the person chosen to decide can decide on the proposal."))
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose accepted, rejected or postponed.")})
    if proposal.status not in (ProposalStatus.OPEN, ProposalStatus.POSTPONED):
        raise ValidationError({"decision": _("The proposal has already been decided.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the decision.")})
    before = {"status": proposal.status, "decision_reason": proposal.decision_reason}
    proposal.status = decision
    proposal.decision_reason = reason.strip()
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_reason", "decided_at", "updated_at"])
    audit_record(
        event=WorkEvent.PROPOSAL_DECIDED,
        actor=actor,
        obj=proposal,
        before=before,
        after={"status": decision, "decision_reason": proposal.decision_reason},
        reason=reason,
    )
    return proposal


def _require_accepted(proposal: ImprovementProposal) -> None:
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationError(
            {"status": _("Only an accepted proposal can be turned into a request or a guide change.")}
        )


@transaction.atomic
def proposal_to_request(
    *, proposal: ImprovementProposal, actor: Any, system: str, reason: str = ""
) -> DevelopmentRequest:
    """Draft a development request prefilled from an accepted proposal and link the two (one audit
    event: the request's creation, naming the proposal)."""
    require(actor, "work.add_developmentrequest")
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    _require_accepted(proposal)
    if proposal.request_id is not None:
        raise ValidationError({"status": _("The proposal already has a development request.")})
    request = DevelopmentRequest(
        author=actor,
        status=RequestStatus.DRAFT,
        status_changed_at=timezone.now(),
        title=proposal.title[:200],
        background=proposal.problem,
        goal=f"{proposal.proposal}\n\n{_('Expected benefit')}: {proposal.expected_benefit}".strip(),
        system=system,
    )
    request.full_clean()
    request.save()
    proposal.request = request
    proposal.save(update_fields=["request", "updated_at"])
    audit_record(
        event=WorkEvent.REQUEST_CREATED,
        actor=actor,
        obj=request,
        after={**request.audit_snapshot(), "from_proposal": proposal.pk},
        reason=reason,
    )
    return request


@transaction.atomic
def proposal_link_guide(
    *, proposal: ImprovementProposal, guide: Guide, note: str, actor: Any, reason: str = ""
) -> ImprovementProposal:
    """An accepted proposal becomes a change to an existing guide: the guide and what to change."""
    require(actor, "work.change_improvementproposal")
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    _require_accepted(proposal)
    if guide is None:
        raise ValidationError({"guide": _("Choose the guide to change.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Describe the change to the guide.")})
    before = {"guide": proposal.guide_id, "guide_note": proposal.guide_note}
    proposal.guide, proposal.guide_note = guide, note.strip()
    proposal.save(update_fields=["guide", "guide_note", "updated_at"])
    audit_record(
        event=WorkEvent.PROPOSAL_GUIDE_LINKED,
        actor=actor,
        obj=proposal,
        before=before,
        after={"guide": guide.pk, "guide_note": proposal.guide_note},
        reason=reason,
    )
    return proposal


@transaction.atomic
def proposal_to_guide_draft(
    *, proposal: ImprovementProposal, actor: Any, slug: str, area: str, reason: str = ""
) -> Guide:
    """An accepted proposal becomes a new guide draft (through ``guide_create``, owned by ``actor``)
    and is linked to it: two audit events, the guide's creation and the link."""
    _require_accepted(proposal)
    body = f"## {_('Problem')}\n\n{proposal.problem}\n\n## {_('Proposal')}\n\n{proposal.proposal}\n"
    guide = guide_create(
        actor=actor,
        slug=slug,
        title=proposal.title,
        kind="process",
        area=area,
        body=body,
        owner=actor,
        reason=reason,
    )
    proposal_link_guide(
        proposal=proposal,
        guide=guide,
        note=_("New guide drafted from the proposal."),
        actor=actor,
        reason=reason,
    )
    return guide
