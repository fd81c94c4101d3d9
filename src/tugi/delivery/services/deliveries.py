"""Writes of deliveries: create, edit, status, the schedule per environment, sign-offs and the
secret calendar feed address."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_fields, save_new
from tugi.core.permissions import require

from ..audit_events_deliveries import DeliveryEvent
from ..models import (
    CalendarFeed,
    Delivery,
    DeliveryDate,
    DeliveryKind,
    DeliverySignoff,
    DeliveryStage,
    DeliveryStatus,
    SignoffKind,
)

SCHEDULE_TOPIC = "delivery-schedule"

DELIVERY_FIELDS = ("system", "version", "kind", "description", "ordering_party", "rollback_plan")

#: Allowed status changes (planned → in test → in UAT → approved → deployed; rejected / cancelled).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DeliveryStatus.PLANNED: (DeliveryStatus.IN_TEST, DeliveryStatus.CANCELLED),
    DeliveryStatus.IN_TEST: (
        DeliveryStatus.IN_UAT,
        DeliveryStatus.PLANNED,
        DeliveryStatus.REJECTED,
        DeliveryStatus.CANCELLED,
    ),
    DeliveryStatus.IN_UAT: (
        DeliveryStatus.APPROVED,
        DeliveryStatus.IN_TEST,
        DeliveryStatus.REJECTED,
        DeliveryStatus.CANCELLED,
    ),
    DeliveryStatus.APPROVED: (
        DeliveryStatus.DEPLOYED,
        DeliveryStatus.IN_UAT,
        DeliveryStatus.REJECTED,
        DeliveryStatus.CANCELLED,
    ),
    DeliveryStatus.DEPLOYED: (),
    DeliveryStatus.REJECTED: (DeliveryStatus.PLANNED,),
    DeliveryStatus.CANCELLED: (),
}


@transaction.atomic
def delivery_create(
    *,
    system: str,
    version: str,
    actor: Any,
    kind: str = DeliveryKind.PLANNED,
    description: str = "",
    ordering_party: Any = None,
    rollback_plan: str = "",
    reason: str = "",
) -> Delivery:
    require(actor, "delivery.add_delivery")
    delivery = Delivery()
    assign(
        delivery,
        {
            "system": system,
            "version": version,
            "kind": kind,
            "description": description,
            "ordering_party": ordering_party,
            "rollback_plan": rollback_plan,
        },
        DELIVERY_FIELDS,
    )
    return save_new(delivery, event=DeliveryEvent.DELIVERY_CREATED, actor=actor, reason=reason)


@transaction.atomic
def delivery_update(*, delivery: Delivery, actor: Any, reason: str = "", **values: Any) -> Delivery:
    require(actor, "delivery.change_delivery")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    before = delivery.audit_snapshot()
    assign(delivery, values, DELIVERY_FIELDS)
    save_changes(delivery, before, event=DeliveryEvent.DELIVERY_UPDATED, actor=actor, reason=reason)
    return delivery


@transaction.atomic
def delivery_set_status(*, delivery: Delivery, status: str, actor: Any, reason: str = "") -> Delivery:
    require(actor, "delivery.change_delivery")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if status not in DeliveryStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    if status == delivery.status:
        return delivery
    if status not in TRANSITIONS.get(delivery.status, ()):
        raise ValidationError(
            {
                "status": _("A delivery cannot go from %(old)s to %(new)s.")
                % {"old": delivery.get_status_display(), "new": DeliveryStatus(status).label}
            }
        )
    if status in (DeliveryStatus.REJECTED, DeliveryStatus.CANCELLED) and not reason.strip():
        raise ValidationError({"reason": _("Say why the delivery is rejected or cancelled.")})
    save_fields(
        delivery, event=DeliveryEvent.DELIVERY_STATUS_CHANGED, actor=actor, reason=reason, status=status
    )
    return delivery


@transaction.atomic
def delivery_schedule_set(
    *,
    delivery: Delivery,
    stage: str,
    planned_date: dt.date,
    actor: Any,
    actual_date: dt.date | None = None,
    reason: str = "",
    notify_topic: bool = True,
) -> DeliveryDate:
    """Set when the delivery is planned to reach (and actually reached) an environment. A new or
    moved planned date is announced to the ``delivery-schedule`` topic."""
    require(actor, "delivery.change_delivery")
    if stage not in DeliveryStage.values:
        raise ValidationError({"stage": _("Choose an environment: dev, test, uat or prod.")})
    if planned_date is None:
        raise ValidationError({"planned_date": _("Enter the planned date.")})
    if actual_date is not None and actual_date > timezone.localdate():
        raise ValidationError({"actual_date": _("The actual date cannot be in the future.")})
    row = DeliveryDate.objects.select_for_update().filter(delivery=delivery, stage=stage).first()
    before = {"planned_date": row.planned_date, "actual_date": row.actual_date} if row else None
    if row is None:
        row = DeliveryDate(delivery=delivery, stage=stage)
    row.planned_date, row.actual_date = planned_date, actual_date
    after = {"planned_date": planned_date, "actual_date": actual_date}
    if before == after:
        return row
    row.full_clean()
    row.save()
    audit_record(
        event=DeliveryEvent.DELIVERY_SCHEDULE_CHANGED,
        actor=actor,
        obj=delivery,
        before={"stage": stage, **before} if before else None,
        after={"stage": stage, **after},
        reason=reason,
    )
    moved = before is None or before["planned_date"] != planned_date
    if notify_topic and moved:
        _announce(delivery, row, before["planned_date"] if before else None, actor)
    return row


def _announce(delivery: Delivery, row: DeliveryDate, old: dt.date | None, actor: Any) -> None:
    from tugi.core.context import system_actor
    from tugi.core.services import notify, topic_ensure

    topic_ensure(code=SCHEDULE_TOPIC, name=_("Delivery schedule"), actor=system_actor())
    values = {
        "delivery": str(delivery),
        "stage": row.get_stage_display(),
        "new": row.planned_date.strftime("%d.%m.%Y"),
        "old": old.strftime("%d.%m.%Y") if old else "",
    }
    if old:
        subject = _("%(delivery)s: %(stage)s moved from %(old)s to %(new)s") % values
    else:
        subject = _("%(delivery)s: %(stage)s planned for %(new)s") % values
    notify(
        topic=SCHEDULE_TOPIC,
        subject=subject,
        body=subject,
        actor=actor,
        dedup_key=f"delivery-schedule:{row.pk}:{row.planned_date.isoformat()}",
        url=f"/delivery/deliveries/{delivery.pk}/",
    )


@transaction.atomic
def signoff_record(
    *,
    delivery: Delivery,
    kind: str,
    signed_by: str,
    actor: Any,
    evidence_url: str = "",
    note: str = "",
    reason: str = "",
) -> DeliverySignoff:
    """Record a regression run that passed or the ordering party's UAT sign-off."""
    require(actor, "delivery.add_deliverysignoff")
    if kind not in SignoffKind.values:
        raise ValidationError({"kind": _("Choose what is signed off.")})
    signoff = DeliverySignoff(delivery=delivery, recorded_by=actor)
    assign(
        signoff,
        {"kind": kind, "signed_by": signed_by, "evidence_url": evidence_url, "note": note},
        ("kind", "signed_by", "evidence_url", "note"),
    )
    return save_new(signoff, event=DeliveryEvent.SIGNOFF_RECORDED, actor=actor, reason=reason)


@transaction.atomic
def feed_regenerate(*, user: Any, actor: Any) -> CalendarFeed:
    """Give ``user`` a new secret calendar feed address; the old one stops working."""
    require(actor, "delivery.add_calendarfeed")
    if actor.pk != user.pk:
        raise ValidationError(_("You can manage only your own calendar feed."))
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    before = feed.audit_snapshot() if feed else None
    if feed is None:
        feed = CalendarFeed(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.full_clean()
    feed.save()
    audit_record(
        event=DeliveryEvent.FEED_CREATED, actor=actor, obj=feed, before=before, after=feed.audit_snapshot()
    )
    return feed
