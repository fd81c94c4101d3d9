"""Reads of deliveries: lists, the delivery expected in an environment, the timeline and the
iCalendar feed of deliveries and clones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tugi.core.selectors import get_restricted

from .models import (
    CalendarFeed,
    ClonePlan,
    CloneStatus,
    Delivery,
    DeliveryDate,
    DeliveryStage,
    DeliveryStatus,
)

#: Statuses of a delivery that will not reach production.
CLOSED_STATUSES = (DeliveryStatus.REJECTED, DeliveryStatus.CANCELLED)

STAGE_ORDER = {stage.value: i for i, stage in enumerate(DeliveryStage)}


def deliveries(*, user: Any) -> QuerySet[Any]:
    return (
        Delivery.objects.restrict(user)
        .select_related("ordering_party")
        .prefetch_related("dates")
        .annotate(ticket_count=Count("tickets", distinct=True))
    )


def delivery_get(*, user: Any, pk: Any, action: str = "view") -> Delivery:
    return get_restricted(Delivery.objects.select_related("ordering_party"), user, action, pk=pk)


def delivery_find(*, system: str, version: str) -> Delivery | None:
    return Delivery.objects.filter(system=system, version=version).first()


def open_deliveries(*, user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.restrict(user).exclude(status__in=[*CLOSED_STATUSES, DeliveryStatus.DEPLOYED])


def dates_by_stage(delivery: Delivery) -> dict[str, DeliveryDate]:
    return {d.stage: d for d in delivery.dates.all()}


def deployed_in(delivery: Delivery, stage: str, day: dt.date | None = None) -> DeliveryDate | None:
    """The delivery's date row for ``stage`` when it has actually been deployed there by ``day``."""
    day = day or timezone.localdate()
    row = dates_by_stage(delivery).get(stage)
    if row is None or row.actual_date is None or row.actual_date > day:
        return None
    return row


def expected_delivery(*, system: str, stage: str, day: dt.date | None = None) -> Delivery | None:
    """The delivery that should be running in ``system``'s ``stage`` environment on ``day``: the one
    most recently deployed there (actual date), else the one most recently planned there (planned
    date on or before ``day``). Rejected and cancelled deliveries do not count."""
    day = day or timezone.localdate()
    base = DeliveryDate.objects.filter(delivery__system=system, stage=stage).exclude(
        delivery__status__in=CLOSED_STATUSES
    )
    row = base.filter(actual_date__lte=day).order_by("-actual_date", "-pk").select_related("delivery").first()
    if row is None:
        row = (
            base.filter(actual_date__isnull=True, planned_date__lte=day)
            .order_by("-planned_date", "-pk")
            .select_related("delivery")
            .first()
        )
    return row.delivery if row else None


# --- timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineBar:
    stage: str
    label: str
    start: int  # 1-based grid column
    span: int
    actual: bool
    date: dt.date


@dataclass
class TimelineRow:
    delivery: Delivery
    bars: list[TimelineBar] = field(default_factory=list)


@dataclass
class Timeline:
    start: dt.date
    weeks: list[tuple[dt.date, int]]
    rows: list[TimelineRow]
    clones: list[TimelineBar]
    today_column: int | None


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def timeline(*, user: Any, start: dt.date | None = None, weeks: int = 16) -> Timeline:
    """Deliveries and clones on a grid of ``weeks`` weeks from the week of ``start``: one column per
    day (7 per week), each environment date a one-day mark placed by its column."""
    first = _week_start(start or timezone.localdate() - dt.timedelta(days=14))
    last = first + dt.timedelta(days=7 * weeks - 1)
    days = 7 * weeks

    def column(day: dt.date) -> int:
        return (day - first).days + 1

    rows = []
    qs = (
        Delivery.objects.restrict(user)
        .filter(dates__planned_date__range=(first, last))
        .distinct()
        .prefetch_related("dates")
        .order_by("system", "version")
    )
    for delivery in qs:
        row = TimelineRow(delivery)
        for d in sorted(delivery.dates.all(), key=lambda d: STAGE_ORDER.get(d.stage, 9)):
            day = d.actual_date or d.planned_date
            if first <= day <= last:
                row.bars.append(
                    TimelineBar(
                        d.stage, d.get_stage_display(), column(day), 1, d.actual_date is not None, day
                    )
                )
        rows.append(row)
    clones = [
        TimelineBar("clone", str(c), column(c.date), 1, c.status == CloneStatus.DONE, c.date)
        for c in ClonePlan.objects.restrict(user)
        .filter(date__range=(first, last))
        .exclude(status=CloneStatus.CANCELLED)
    ]
    today = timezone.localdate()
    return Timeline(
        start=first,
        weeks=[(first + dt.timedelta(days=7 * i), 7 * i + 1) for i in range(weeks)],
        rows=rows,
        clones=clones,
        today_column=column(today) if first <= today <= last and days else None,
    )


# --- calendar ------------------------------------------------------------------------------------


def feed_of(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_user(token: str) -> Any:
    """The active user whose secret feed token this is, or None."""
    if not token or len(token) < 20:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_ics(*, user: Any, host: str = "tugi") -> bytes:
    """An iCalendar (RFC 5545) document of the delivery dates and clones ``user`` may see.

    Every event has a stable UID (``delivery-date-<id>@<host>``, ``clone-<id>@<host>``) so a
    calendar program updates the event when a date moves instead of adding another."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Tugi//Delivery schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Tugi: deliveries and clones")
    cal.add("x-wr-timezone", "Europe/Tallinn")
    stamp = timezone.now()
    dates = (
        DeliveryDate.objects.filter(delivery__in=Delivery.objects.restrict(user))
        .select_related("delivery")
        .order_by("planned_date", "pk")
    )
    for d in dates:
        day = d.actual_date or d.planned_date
        event = Event()
        event.add("uid", f"delivery-date-{d.pk}@{host}")
        event.add("summary", f"{d.delivery} → {d.get_stage_display()}")
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add("last-modified", d.updated_at)
        lines = [f"{d.delivery.get_kind_display()}, {d.delivery.get_status_display()}"]
        if d.actual_date:
            lines.append(f"deployed {d.actual_date.isoformat()} (planned {d.planned_date.isoformat()})")
        event.add("description", "\n".join(lines))
        event.add("categories", ["delivery", d.delivery.system])
        if d.delivery.status in CLOSED_STATUSES:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    tz = timezone.get_default_timezone()
    for clone in ClonePlan.objects.restrict(user).order_by("date", "pk"):
        event = Event()
        event.add("uid", f"clone-{clone.pk}@{host}")
        event.add("summary", f"Clone of pre-production: {', '.join(clone.systems or [])}")
        event.add("dtstart", dt.datetime.combine(clone.date, clone.window_start, tzinfo=tz))
        event.add("dtend", dt.datetime.combine(clone.date, clone.window_end, tzinfo=tz))
        event.add("dtstamp", stamp)
        event.add("last-modified", clone.updated_at)
        event.add("categories", ["clone"])
        if clone.status == CloneStatus.CANCELLED:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    return bytes(cal.to_ical())


def schedule_filter(*, user: Any, query: str) -> QuerySet[Delivery]:
    return Delivery.objects.restrict(user).filter(
        Q(version__icontains=query) | Q(description__icontains=query)
    )
