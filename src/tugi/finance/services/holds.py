"""Holds stop a person's payments: their lines in later runs are held, not paid, until a specialist
releases the hold (after the person gives a new account, say)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.models import Person
from tugi.core.permissions import require

from ..audit_events_payments import PaymentEvent
from ..models import BankEvent, HoldReason, PaymentHold


def active_hold(person_id: int) -> PaymentHold | None:
    return (
        PaymentHold.objects.filter(person_id=person_id, released_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def held_person_ids() -> set[int]:
    return set(PaymentHold.objects.filter(released_at__isnull=True).values_list("person_id", flat=True))


def hold_place(
    *, person: Person, reason: str, actor: Any, note: str = "", source_event: BankEvent | None = None
) -> PaymentHold:
    """Hold ``person``'s payments. A person already held keeps the earlier hold (returned as is)."""
    require(actor, "finance.add_paymenthold")
    if reason not in HoldReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if reason == HoldReason.MANUAL and not note.strip():
        raise ValidationError({"note": _("Say why the payments are held.")})
    with transaction.atomic():
        existing = active_hold(person.pk)
        if existing is not None:
            return existing
        hold = PaymentHold.objects.create(
            person=person, reason=reason, note=note, placed_by=actor, source_event=source_event
        )
        audit_record(
            event=PaymentEvent.HOLD_PLACED,
            actor=actor,
            obj=hold,
            after={"person": person.masked_code, "reason": reason, "note": note},
            reason=note,
        )
    return hold


def hold_release(*, hold: PaymentHold, actor: Any, note: str) -> PaymentHold:
    require(actor, "finance.change_paymenthold")
    if not note.strip():
        raise ValidationError(
            {"release_note": _("Say why the hold is released (e.g. the new account given).")}
        )
    with transaction.atomic():
        hold = PaymentHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise ValidationError({"hold": _("This hold is already released.")})
        hold.released_at = timezone.now()
        hold.released_by = actor
        hold.release_note = note
        hold.save(update_fields=["released_at", "released_by", "release_note", "updated_at"])
        audit_record(
            event=PaymentEvent.HOLD_RELEASED,
            actor=actor,
            obj=hold,
            before={"released": False},
            after={"released": True},
            reason=note,
        )
    return hold
