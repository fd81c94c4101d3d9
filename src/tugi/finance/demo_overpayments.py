"""Demo overpayments in every state, on demo persons who have pensions, made through the services so
the ledger fills. Idempotent: nothing is loaded when demo overpayments exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .months import add_months, month_end

DEMO = "Demo: "
REASONS = (
    "The person did not report the change in time although the decision asked them to; the amount "
    "is recovered in full, spread so that it does not cause hardship."
)


def load(actor: Any, stdout: Any) -> None:
    from tugi.pensions.selectors import pensions_in_payment

    from .models import Overpayment
    from .services import overpayments as svc

    if Overpayment.objects.filter(description__startswith=DEMO).exists():
        stdout.write("demo overpayments: already loaded\n")
        return
    today = dt.date.today()
    this_month = today.replace(day=1)
    pensions = list(pensions_in_payment(today).select_related("person").order_by("pk")[:12])
    if len(pensions) < 12:
        stdout.write("demo overpayments: not enough pensions, skipped\n")
        return
    made: dict[str, int] = {}

    def find(i: int, amount: str, months_back: int, detected_back: int = 10) -> Any:
        start = add_months(this_month, -months_back)
        return svc.overpayment_detect(
            person=pensions[i].person,
            source="manual" if i % 2 else "recalculation",
            period_from=start,
            period_to=month_end(start),
            amount=Decimal(amount),
            actor=actor,
            pension_id=pensions[i].pk,
            description=f"{DEMO}found in a review of the paid months",
            detected_on=today - dt.timedelta(days=detected_back),
        )

    def heard(op: Any, on: dt.date | None = None) -> Any:
        return svc.hearing_start(overpayment=op, actor=actor, on=on, note="Letter asking for an explanation")

    def decided(
        op: Any,
        amount: str | None = None,
        on: dt.date | None = None,
        reasons: str = REASONS,
        cause: str = "recipient",
    ) -> Any:
        amt = Decimal(amount) if amount is not None else op.amount
        return svc.overpayment_decide(
            overpayment=heard(op, on),
            cause=cause,
            decision_reasons=reasons,
            decided_amount=amt,
            actor=actor,
            on=on,
        )

    def notified(op: Any, amount: str | None = None, on: dt.date | None = None) -> Any:
        return svc.overpayment_notify(overpayment=decided(op, amount, on), actor=actor, on=on)

    def recovering(op: Any, method: str, monthly: str | None = None) -> Any:
        return svc.recovery_arrange(
            overpayment=notified(op),
            method=method,
            monthly_amount=Decimal(monthly) if monthly else None,
            start_month=add_months(this_month, 1),
            actor=actor,
        )

    made["detected"] = find(0, "412.30", 3, detected_back=20).pk
    made["hearing"] = heard(find(1, "150.00", 4)).pk
    made["decided"] = decided(find(2, "980.00", 6), "900.00").pk
    made["notified"] = notified(find(3, "245.10", 2)).pk
    made["offset"] = recovering(find(4, "1200.00", 5), "offset", "100.00").pk
    made["instalments"] = recovering(find(5, "600.00", 3), "instalments", "50.00").pk
    paid = recovering(find(6, "80.00", 2), "direct")
    svc.repayment_record(
        overpayment=paid, amount=Decimal("80.00"), actor=actor, note="Paid at the service desk"
    )
    made["paid"] = paid.pk
    made["waived"] = svc.overpayment_waive(
        overpayment=notified(find(7, "60.00", 2)), reason="Recovery would cause hardship", actor=actor
    ).pk
    made["written_off"] = svc.overpayment_write_off(
        overpayment=recovering(find(8, "330.00", 7), "direct"), reason="Not collectable", actor=actor
    ).pk
    long_ago = today - dt.timedelta(days=365 * 5)
    old = notified(find(9, "510.00", 62, detected_back=365 * 5 + 30), on=long_ago)
    svc.limitation_check(actor=actor, today=today)
    made["time_barred"] = old.pk
    no_claim = (
        "The agency paid the old amount after its own recalculation; the person could not know. "
        "Not recovered."
    )
    made["no_claim"] = decided(find(10, "75.00", 2), "0", reasons=no_claim, cause="agency").pk
    stdout.write(f"demo overpayments: {len(made)} loaded\n")
