"""What finance's overpayments topic adds to the shell: the menu item, a person page section, a
desk widget, the weekly summary's items and the daily detection and limitation jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import (
    DeskWidget,
    JobHandler,
    PendingItem,
    PendingSource,
    Periodic,
    PersonSection,
    registry,
)

DAILY_JOB = "finance-overpayments-daily"


def _person_section(request: Any, person: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_overpayments import balances, person_overpayments

    if not can(request.user, "finance.view_overpayment"):
        return None
    ops = person_overpayments(person.pk)
    if not ops:
        return None
    left = balances([op.pk for op in ops])
    for op in ops:
        op.balance = left.get(op.pk)  # type: ignore[attr-defined]
    return {"overpayments": ops}


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_overpayments import waiting_for_action

    if not can(request.user, "finance.change_overpayment"):
        return None
    qs = waiting_for_action()
    items = list(qs.order_by("limitation_date", "detected_on")[:10])
    if not items:
        return None
    return {"items": items, "more": max(qs.count() - len(items), 0)}


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    from django.urls import reverse

    from tugi.core.permissions import can

    from ..selectors_overpayments import waiting_for_action

    if not can(user, "finance.change_overpayment"):
        return []
    return [
        PendingItem(
            title=str(
                _("Overpayment %(id)s (%(status)s)") % {"id": op.pk, "status": op.get_status_display()}
            ),
            url=reverse("finance:overpayment_detail", args=[op.pk]),
            due=op.due_date or op.limitation_date,
            kind=_("overpayment"),
        )
        for op in waiting_for_action(today)[:50]
    ]


def _daily_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.overpayments import detect_deaths_daily, detect_recalculations_daily, limitation_check

    progress.update(percent=10, step=str(_("Deaths before paid months")))
    deaths = detect_deaths_daily(actor=job.actor)
    progress.update(percent=40, step=str(_("Retroactive recalculations")))
    recalculations = detect_recalculations_daily(actor=job.actor)
    progress.update(percent=70, step=str(_("Limitation")))
    return {"deaths": deaths, "recalculations": recalculations, **limitation_check(actor=job.actor)}


def _daily_start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(
        kind=DAILY_JOB,
        key=dt.date.today().isoformat(),
        actor=actor,
        title=str(_("Overpayments: detection and limitation")),
    )


def register() -> None:
    add_nav(
        NavItem(
            "finance",
            _("Finance"),
            _("Overpayments"),
            "finance:overpayment_list",
            "finance.view_overpayment",
            640,
        )
    )
    registry.add(
        PersonSection(
            "finance-overpayments", _("Overpayments"), "finance/overpayment_person.html", _person_section, 220
        )
    )
    registry.add(
        DeskWidget(
            "finance-overpayments",
            _("Overpayments waiting for action"),
            "finance/overpayment_widget.html",
            _desk,
            160,
        )
    )
    registry.add(
        PendingSource(
            key="finance-overpayments", title=_("Overpayments waiting for action"), collect=_pending, order=65
        )
    )
    registry.add(JobHandler(DAILY_JOB, _("Overpayments: detection and limitation"), _daily_run))
    registry.add(Periodic(DAILY_JOB, dt.timedelta(hours=1), _daily_start))
