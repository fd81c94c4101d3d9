"""What finance's payments topic adds to the shell: the menu entries (runs, account import,
parameters, debtor accounts), the run compute job, the "payment runs waiting for my approval" desk
card, the runs waiting for a user in the weekly summary and "My week", and the "Payments" section
of a person's page (accounts, holds placed by hand and released)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, PendingItem, PendingSource, PersonSection, registry


def _compute_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.payments_compute import run_compute_execute

    return run_compute_execute(run_id=int(job.params["run_id"]), progress=progress)


def _desk_waiting(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_payments import runs_waiting_for_approval

    if not can(request.user, "finance.change_paymentrun"):
        return None
    items = list(runs_waiting_for_approval(user=request.user)[:10])
    return {"runs": items} if items else None


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    """Runs computed by someone else waiting for the user's approval, and approved runs waiting for
    release; both due by the payment day."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from tugi.core.permissions import can

    from ..models import PaymentRun, RunStatus
    from ..selectors_payments import runs_waiting_for_approval

    if not can(user, "finance.change_paymentrun"):
        return []
    waiting = [
        (gettext("Approve the payment run %(run)s"), run) for run in runs_waiting_for_approval(user=user)
    ]
    approved = PaymentRun.objects.filter(status=RunStatus.APPROVED).order_by("month", "id")
    waiting += [(gettext("Release the payment run %(run)s"), run) for run in approved]
    return [
        PendingItem(
            title % {"run": run},
            reverse("finance:run_detail", args=[run.pk]),
            run.payment_date,
            gettext("payment run"),
        )
        for title, run in waiting
    ]


def _person_section(request: Any, person: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_payments import person_accounts, person_holds

    user = request.user
    if not (can(user, "finance.view_bankaccount") or can(user, "finance.view_paymenthold")):
        return None
    holds = list(person_holds(person.pk)) if can(user, "finance.view_paymenthold") else []
    return {
        "person": person,
        "accounts": list(person_accounts(person.pk)) if can(user, "finance.view_bankaccount") else [],
        "holds": holds,
        "can_add_account": can(user, "finance.add_bankaccount"),
        "can_release": can(user, "finance.change_paymenthold"),
        # one active hold at a time: the button shows while none is
        "can_place_hold": can(user, "finance.add_paymenthold") and all(h.released_at for h in holds),
    }


def register() -> None:
    area, label = "finance", _("Finance")
    for title, url_name, perm, order in (
        (_("Payment runs"), "finance:run_list", "finance.view_paymentrun", 600),
        (_("Import bank accounts"), "finance:account_import", "finance.add_bankaccount", 605),
        (_("Finance parameters"), "finance:parameter_list", "finance.view_financeparameter", 690),
        (_("Debtor accounts"), "finance:debtor_list", "finance.view_debtoraccount", 692),
    ):
        add_nav(NavItem(area, label, title, url_name, perm, order))
    from ..services.payments import COMPUTE_JOB

    registry.add(JobHandler(COMPUTE_JOB, _("Compute a payment run"), _compute_run))
    registry.add(
        DeskWidget(
            "finance-runs-waiting",
            _("Payment runs waiting for my approval"),
            "finance/run_widget.html",
            _desk_waiting,
            35,
        )
    )
    registry.add(PendingSource("finance-payments", _("Payment runs"), _pending, order=55))
    registry.add(
        PersonSection(
            "finance-payments", _("Payments"), "finance/account_person_section.html", _person_section, 210
        )
    )
