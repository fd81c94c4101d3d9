"""Writes of the requests topic: development requests (lähteülesanded), their reviewers' sign-offs,
analytic input on sections, the link to a delivery, and the lifecycle

draft → in review → submitted → estimated → in development → delivered → verified → closed,

or rejected (with a reason) from any open state. A state may not be skipped; in review may go back
to draft (the sign-offs are then cleared, since the text may change again).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign
from tugi.core.permissions import can, require

from ..audit_events import WorkEvent
from ..models import DevelopmentRequest, RequestComment, RequestReviewer, RequestStatus, Section

REQUEST_FIELDS = (
    "title",
    "background",
    "goal",
    "system",
    "modules",
    "data_notes",
    "rights_notes",
    "business_rules",
    "acceptance_criteria",
    "test_scenarios",
    "priority",
    "desired_date",
    "legal_basis",
)
RELATED_FIELDS = ("entities", "attributes", "classifiers", "rights")
TEXT_FIELDS = ("background", "goal", "data_notes", "rights_notes", "business_rules", "acceptance_criteria")

S = RequestStatus
#: The next states each state may move to; anything else is a skipped (or backward) state.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.IN_REVIEW, S.REJECTED),
    S.IN_REVIEW: (S.SUBMITTED, S.DRAFT, S.REJECTED),
    S.SUBMITTED: (S.ESTIMATED, S.REJECTED),
    S.ESTIMATED: (S.IN_DEVELOPMENT, S.REJECTED),
    S.IN_DEVELOPMENT: (S.DELIVERED, S.REJECTED),
    S.DELIVERED: (S.VERIFIED, S.REJECTED),
    S.VERIFIED: (S.CLOSED, S.REJECTED),
    S.CLOSED: (),
    S.REJECTED: (),
}
OPEN_STATUSES = tuple(s for s, nxt in TRANSITIONS.items() if nxt)
#: States whose request text may still be edited.
EDITABLE_STATUSES = (S.DRAFT,)


def _label(status: str) -> str:
    return str(RequestStatus(status).label)


def _check(request: DevelopmentRequest) -> None:
    request.full_clean()
    if request.desired_date and request.pk is None and request.desired_date < timezone.localdate():
        raise ValidationError({"desired_date": _("The desired date cannot be in the past.")})


def _set_reviewers(request: DevelopmentRequest, users: Iterable[Any]) -> None:
    wanted = {u.pk: u for u in users}
    if request.author_id in wanted:
        raise ValidationError({"reviewers": _("The author cannot review their own request.")})
    blind = sorted(u.get_username() for u in wanted.values() if not can(u, "work.view_developmentrequest"))
    if blind:
        raise ValidationError(
            {
                "reviewers": _("These users cannot see development requests: %(names)s.")
                % {"names": ", ".join(blind)}
            }
        )
    request.reviewers.exclude(user_id__in=list(wanted)).delete()
    have = set(request.reviewers.values_list("user_id", flat=True))
    RequestReviewer.objects.bulk_create(
        [RequestReviewer(request=request, user=u) for pk, u in wanted.items() if pk not in have]
    )


def _set_related(request: DevelopmentRequest, related: dict[str, Any]) -> None:
    for name, values in related.items():
        if values is not None:
            getattr(request, name).set(list(values))


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    related = {name: values.pop(name) for name in RELATED_FIELDS if name in values}
    reviewers = values.pop("reviewers", None)
    return related, reviewers


@transaction.atomic
def request_create(*, actor: Any, reason: str = "", **values: Any) -> DevelopmentRequest:
    """Draft a new development request in the template; ``entities``, ``attributes``,
    ``classifiers``, ``rights`` (from the data dictionary and the access catalogue) and
    ``reviewers`` (users) may be given with the text fields."""
    require(actor, "work.add_developmentrequest")
    related, reviewers = _split(values)
    request = DevelopmentRequest(author=actor, status=RequestStatus.DRAFT, status_changed_at=timezone.now())
    assign(request, values, REQUEST_FIELDS, keep_spaces=TEXT_FIELDS)
    _check(request)
    request.save()
    _set_related(request, related)
    if reviewers is not None:
        _set_reviewers(request, reviewers)
    audit_record(
        event=WorkEvent.REQUEST_CREATED,
        actor=actor,
        obj=request,
        after=request.audit_snapshot(),
        reason=reason,
    )
    return request


@transaction.atomic
def request_update(
    *, request: DevelopmentRequest, actor: Any, reason: str = "", **values: Any
) -> DevelopmentRequest:
    """Change a draft request's text, affected data and rights, and reviewers."""
    require(actor, "work.change_developmentrequest")
    request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in EDITABLE_STATUSES:
        raise ValidationError(
            {
                "status": _("A request in state “%(state)s” cannot be edited; return it to draft first.")
                % {"state": _label(request.status)}
            }
        )
    before = request.audit_snapshot()
    related, reviewers = _split(values)
    assign(request, values, REQUEST_FIELDS, keep_spaces=TEXT_FIELDS)
    request.full_clean()
    request.save()
    _set_related(request, related)
    if reviewers is not None:
        _set_reviewers(request, reviewers)
    after = request.audit_snapshot()
    if after != before:
        audit_record(
            event=WorkEvent.REQUEST_UPDATED,
            actor=actor,
            obj=request,
            before=before,
            after=after,
            reason=reason,
        )
    return request


def next_states(request: DevelopmentRequest) -> tuple[str, ...]:
    return TRANSITIONS.get(request.status, ())


def _estimate(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValidationError({"estimate_days": _("Give the estimate as a decimal number, e.g. 12.5.")})
    try:
        days = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        days = None
    if days is None or days <= 0 or days >= Decimal("100000"):
        raise ValidationError(
            {"estimate_days": _("Record the developer's estimate in person-days (more than 0).")}
        )
    return days.quantize(Decimal("0.1"))


def _preconditions(request: DevelopmentRequest, to: str, reason: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check what the move needs and return the fields it sets besides the status."""
    changes: dict[str, Any] = {}
    if to == S.IN_REVIEW:
        if not request.reviewers.exists():
            raise ValidationError(
                {"reviewers": _("Choose at least one reviewer before sending the request to review.")}
            )
        if not request.acceptance_criteria.strip():
            raise ValidationError(
                {
                    "acceptance_criteria": _(
                        "Write the acceptance criteria before sending the request to review."
                    )
                }
            )
    elif to == S.SUBMITTED:
        missing = [
            r.user.get_full_name() or r.user.get_username()
            for r in request.reviewers.select_related("user").filter(signed_off_at__isnull=True)
        ]
        if missing:
            raise ValidationError(
                {
                    "status": _("Every reviewer must sign off before submission; waiting for: %(names)s.")
                    % {"names": ", ".join(missing)}
                }
            )
    elif to == S.ESTIMATED:
        changes["estimate_days"] = _estimate(data.get("estimate_days"))
        changes["estimate_note"] = (data.get("estimate_note") or "").strip()
    elif to == S.DELIVERED:
        if request.delivery_id is None:
            raise ValidationError(
                {"delivery": _("Link the request to its delivery before marking it delivered.")}
            )
    elif to == S.REJECTED:
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
        changes["rejection_reason"] = reason.strip()
    return changes


@transaction.atomic
def request_move(
    *, request: DevelopmentRequest, to: str, actor: Any, reason: str = "", **data: Any
) -> DevelopmentRequest:
    """Move the request to the next state ``to``. Skipped states are refused; moving to estimated
    records ``estimate_days`` (and ``estimate_note``); rejecting needs a ``reason``."""
    require(actor, "work.change_developmentrequest")
    unknown = sorted(set(data) - {"estimate_days", "estimate_note"})
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
    if to not in RequestStatus.values:
        raise ValidationError({"status": _("Unknown state %(state)s.") % {"state": to}})
    allowed = next_states(request)
    if to not in allowed:
        raise ValidationError(
            {
                "status": _(
                    "A request in state “%(state)s” cannot move to “%(to)s”; states may not be skipped. "
                    "Possible next states: %(next)s."
                )
                % {
                    "state": _label(request.status),
                    "to": _label(to),
                    "next": ", ".join(_label(s) for s in allowed) or _("none (the request is finished)"),
                }
            }
        )
    changes = _preconditions(request, to, reason, data)
    before: dict[str, Any] = {"status": request.status, **{k: getattr(request, k) for k in changes}}
    request.status = to
    request.status_changed_at = timezone.now()
    for name, value in changes.items():
        setattr(request, name, value)
    request.full_clean()
    request.save()
    if to == S.DRAFT:
        signed = list(request.reviewers.filter(signed_off_at__isnull=False).values_list("user_id", flat=True))
        request.reviewers.update(signed_off_at=None)
        if signed:
            before["signed_off_by"] = sorted(signed)
    audit_record(
        event=WorkEvent.REQUEST_STATUS_CHANGED,
        actor=actor,
        obj=request,
        before=before,
        after={"status": to, **changes},
        reason=reason,
    )
    return request


@transaction.atomic
def request_sign_off(*, request: DevelopmentRequest, actor: Any, note: str = "") -> RequestReviewer:
    """A chosen reviewer signs the request off while it is in review."""
    require(actor, "work.view_developmentrequest")
    request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
    reviewer = RequestReviewer.objects.filter(request=request, user=actor).first()
    if reviewer is None:
        raise PermissionDenied(_("Only a reviewer chosen for this request can sign it off."))
    if request.status != RequestStatus.IN_REVIEW:
        raise ValidationError({"status": _("A request can be signed off only while it is in review.")})
    if reviewer.signed_off_at is not None:
        return reviewer
    reviewer.signed_off_at = timezone.now()
    reviewer.note = note.strip()
    reviewer.save(update_fields=["signed_off_at", "note", "updated_at"])
    audit_record(
        event=WorkEvent.REQUEST_SIGNED_OFF,
        actor=actor,
        obj=request,
        before={"signed_off_at": None},
        after={
            "reviewer": actor.get_username(),
            "signed_off_at": reviewer.signed_off_at,
            "note": reviewer.note,
        },
    )
    return reviewer


@transaction.atomic
def request_comment_add(
    *, request: DevelopmentRequest, section: str, text: str, actor: Any, reason: str = ""
) -> RequestComment:
    """Analytic input: a comment on one section of an open request."""
    require(actor, "work.add_requestcomment")
    if request.status not in OPEN_STATUSES:
        raise ValidationError({"text": _("A closed or rejected request takes no more input.")})
    comment = RequestComment(request=request, section=section, author=actor, text=(text or "").strip())
    if section not in Section.values:
        raise ValidationError({"section": _("Choose the section the input is about.")})
    comment.full_clean()
    comment.save()
    audit_record(
        event=WorkEvent.REQUEST_COMMENTED,
        actor=actor,
        obj=request,
        after={"comment": comment.pk, "section": section, "text": comment.text},
        reason=reason,
    )
    return comment


@transaction.atomic
def request_link_delivery(
    *, request: DevelopmentRequest, delivery: Any, actor: Any, reason: str = ""
) -> DevelopmentRequest:
    """Link the request to the delivery (and so its tickets) that brings it to production."""
    require(actor, "work.change_developmentrequest")
    request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in OPEN_STATUSES:
        raise ValidationError({"delivery": _("A closed or rejected request cannot be linked to a delivery.")})
    if delivery is None:
        raise ValidationError({"delivery": _("Choose the delivery.")})
    if request.delivery_id == delivery.pk:
        return request
    before = {"delivery": request.delivery_id}
    request.delivery = delivery
    request.save(update_fields=["delivery", "updated_at"])
    audit_record(
        event=WorkEvent.REQUEST_DELIVERY_LINKED,
        actor=actor,
        obj=request,
        before=before,
        after={"delivery": delivery.pk, "delivery_label": str(delivery)},
        reason=reason,
    )
    return request
