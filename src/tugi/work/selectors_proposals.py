"""Reads of the proposals topic."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import ImprovementProposal, ProposalStatus


def proposals(*, user: Any) -> QuerySet[ImprovementProposal]:
    return ImprovementProposal.objects.restrict(user).select_related("author", "decider", "request", "guide")


def proposal_get(*, user: Any, pk: Any, action: str = "view") -> ImprovementProposal:
    return get_restricted(proposals(user=user), user, action, pk=pk)


def proposals_waiting_for(*, user: Any) -> QuerySet[ImprovementProposal]:
    """Proposals that wait for ``user``'s decision (open ones where the user is the decider)."""
    return proposals(user=user).filter(decider=user, status=ProposalStatus.OPEN).order_by("created_at")
