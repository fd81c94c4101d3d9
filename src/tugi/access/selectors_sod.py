"""Reads of the segregation of duties topic: policies, violations, exceptions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import SodException, SodPolicy, SodViolation


def policies(*, user: Any) -> QuerySet[SodPolicy]:
    return SodPolicy.objects.restrict(user)


def policy_get(*, user: Any, pk: Any, action: str = "view") -> SodPolicy:
    qs = SodPolicy.objects.prefetch_related(
        "rights_a__system", "rights_b__system", "profiles_a__system", "profiles_b__system"
    )
    return get_restricted(qs, user, action, pk=pk)


def violations(*, user: Any) -> QuerySet[SodViolation]:
    return SodViolation.objects.restrict(user).select_related("policy", "account__org_unit")


def violation_get(*, user: Any, pk: Any) -> SodViolation:
    return get_restricted(SodViolation.objects.select_related("policy", "account"), user, pk=pk)


def exceptions(*, user: Any) -> QuerySet[SodException]:
    return SodException.objects.restrict(user).select_related("policy", "account", "approved_by")
