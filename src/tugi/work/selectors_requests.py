"""Reads of the requests topic: development requests, their sections with analytic input, the
impact panel (affected classifiers and their consumers, profiles holding the affected rights, open
tickets and defects of the linked delivery) and what waits for a reviewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.access import selectors as access_selectors
from tugi.classifiers import selectors as classifier_selectors
from tugi.core.selectors import get_restricted
from tugi.delivery import selectors as delivery_selectors

from .models import DevelopmentRequest, RequestComment, RequestReviewer, RequestStatus, Section

_RELATED = ("author", "delivery")


def requests(*, user: Any) -> QuerySet[DevelopmentRequest]:
    return DevelopmentRequest.objects.restrict(user).select_related(*_RELATED)


def request_get(*, user: Any, pk: Any, action: str = "view") -> DevelopmentRequest:
    qs = DevelopmentRequest.objects.select_related(*_RELATED).prefetch_related(
        "entities__system",
        "attributes__entity__system",
        "attributes__classifier",
        "classifiers",
        "rights__system",
        Prefetch("reviewers", queryset=RequestReviewer.objects.select_related("user")),
        Prefetch("comments", queryset=RequestComment.objects.select_related("author")),
    )
    return get_restricted(qs, user, action, pk=pk)


def requests_waiting_for_sign_off(*, user: Any) -> QuerySet[DevelopmentRequest]:
    """Requests in review where ``user`` is a reviewer who has not signed off yet."""
    return (
        requests(user=user)
        .filter(
            status=RequestStatus.IN_REVIEW,
            reviewers__user=user,
            reviewers__signed_off_at__isnull=True,
        )
        .order_by("desired_date", "pk")
        .distinct()
    )


# --- sections ------------------------------------------------------------------------------------


@dataclass
class SectionView:
    """One section of the template: its fields as (label, text) and its analytic input."""

    key: str
    label: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    comments: list[RequestComment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(text for _label, text in self.fields)


def _attribute_label(a: Any) -> str:
    text = f"{a.entity.system.code} {a.entity.name}.{a.name}"
    return f"{text} ({a.classifier.code})" if a.classifier_id else text


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def sections(request: DevelopmentRequest) -> list[SectionView]:
    """Every section of the request in the template's order, with the comments on it."""
    comments: dict[str, list[RequestComment]] = {}
    for c in request.comments.all():
        comments.setdefault(c.section, []).append(c)
    date = f"{request.desired_date:%d.%m.%Y}" if request.desired_date else "—"
    content: dict[str, list[tuple[str, str]]] = {
        Section.BACKGROUND: [("", request.background)],
        Section.GOAL: [("", request.goal)],
        Section.SYSTEM: [(_("System"), request.get_system_display()), (_("Modules"), request.modules)],
        Section.DATA: [
            (_("Entities"), _lines([f"{e.system.code} {e.name}" for e in request.entities.all()])),
            (_("Attributes"), _lines([_attribute_label(a) for a in request.attributes.all()])),
            (_("Classifiers"), _lines([f"{c.code} — {c.name_et}" for c in request.classifiers.all()])),
            (_("Notes"), request.data_notes),
        ],
        Section.RIGHTS: [
            (_("Rights"), _lines([f"{r.system.code}:{r.code} — {r.name_et}" for r in request.rights.all()])),
            (_("Notes"), request.rights_notes),
        ],
        Section.BUSINESS_RULES: [("", request.business_rules)],
        Section.ACCEPTANCE: [("", request.acceptance_criteria)],
        Section.TESTS: [("", request.test_scenarios)],
        Section.PLANNING: [(_("Priority"), request.get_priority_display()), (_("Desired date"), date)],
        Section.LEGAL: [("", request.legal_basis)],
    }
    return [
        SectionView(
            key, str(label), [(str(lab), text or "") for lab, text in content[key]], comments.get(key, [])
        )
        for key, label in Section.choices
    ]


# --- impact --------------------------------------------------------------------------------------


def affected_classifiers(request: DevelopmentRequest) -> list[Any]:
    """The classifiers picked for the request and those of its picked attributes, by code."""
    found: dict[int, Any] = {c.pk: c for c in request.classifiers.all()}
    for a in request.attributes.all():
        if a.classifier is not None and a.classifier.pk not in found:
            found[a.classifier.pk] = a.classifier
    return sorted(found.values(), key=lambda c: c.code)


def impact(request: DevelopmentRequest, day: dt.date | None = None) -> dict[str, Any]:
    """Everything the request touches: each affected classifier with its consuming systems and the
    managed systems using it; each affected right with the profiles granting it (directly or
    through an included profile) and their valid assignments on ``day`` (today); the linked
    delivery's open tickets and open defects."""
    day = day or timezone.localdate()
    rights = [
        {"right": r, "profiles": access_selectors.profiles_granting_right(r, day)}
        for r in request.rights.all()
    ]
    delivery: dict[str, Any] | None = None
    if request.delivery is not None:
        delivery = {
            "delivery": request.delivery,
            "open_tickets": list(delivery_selectors.open_tickets_of(request.delivery)),
            "defects": list(delivery_selectors.open_defect_links(request.delivery)),
        }
    return {
        "classifiers": classifier_selectors.classifier_consumers(affected_classifiers(request)),
        "rights": rights,
        "delivery": delivery,
    }


def signoffs(request: DevelopmentRequest) -> list[RequestReviewer]:
    return list(request.reviewers.all())
