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
    *,
    person: Person,
    reason: str,
    actor: Any,
    note: str = "",
    source_event: BankEvent | None = None,
    by_hand: bool = False,
) -> PaymentHold:
    """Hold ``person``'s payments; a person has at most one active hold. A person already held
    keeps the earlier hold (returned as is), so a second returned payment changes nothing.

    ``by_hand``: a specialist places the hold (the person's page): the note is required whatever
    the reason, and a person already held is refused with an error on ``reason``."""
    require(actor, "finance.add_paymenthold")
    note = (note or "").strip()
    if reason not in HoldReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if (by_hand or reason == HoldReason.MANUAL) and not note:
        raise ValidationError({"note": _("Say why the payments are held.")})
    with transaction.atomic():
        # the person's row is the lock that keeps two holds from being placed at once
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))
        existing = active_hold(person.pk)
        if existing is not None:
            if by_hand:
                raise ValidationError(
                    {
                        "reason": _(
                            "The payments are already held (%(reason)s, since %(day)s); "
                            "release that hold first."
                        )
                        % {
                            "reason": existing.get_reason_display(),
                            "day": timezone.localtime(existing.created_at).strftime("%d.%m.%Y"),
                        }
                    }
                )
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
