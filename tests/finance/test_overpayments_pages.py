"""Overpayment pages and API: list, detail with steps, manual finding, notice PDF, API bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tugi.core.models import PersonalDataView
from tugi.finance.models import Overpayment, OverpaymentStatus
from tugi.finance.services import overpayments as svc

from .factories import pensioner
from .test_overpayments import REASONS, detected, to_recovering

pytestmark = pytest.mark.django_db


def test_manual_finding_page_and_detail(finance_user: Any, client_for: Any) -> None:
    pension = pensioner()
    client = client_for(finance_user)
    bad = client.post("/finance/overpayments/new/", {"personal_code": "1", "amount": "10"})
    assert bad.status_code in (200, 422) and not Overpayment.objects.exists()
    response = client.post(
        "/finance/overpayments/new/",
        {
            "personal_code": pension.person.personal_code,
            "period_from": "2026-01-01",
            "period_to": "2026-01-31",
            "amount": "120.50",
            "description": "Found in a review",
        },
    )
    op = Overpayment.objects.get()
    assert response.status_code == 302 and op.amount == Decimal("120.50") and op.source == "manual"
    page = client.get(f"/finance/overpayments/{op.pk}/").content.decode()
    assert 'id="overpayment-hearing"' in page and 'id="overpayment-decide"' not in page
    step = client.post(f"/finance/overpayments/{op.pk}/hearing/", {"hearing-note": "letter"})
    assert step.status_code == 302
    refused = client.post(
        f"/finance/overpayments/{op.pk}/decide/",
        {"decide-cause": "agency", "decide-decided_amount": "10", "decide-decision_reasons": "short"},
    )
    assert refused.status_code == 422 and "never automatic" in refused.content.decode()
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.HEARING


def test_list_exports_and_notice(finance_user: Any, client_for: Any) -> None:
    op = to_recovering(finance_user, method="direct")
    client = client_for(finance_user)
    assert str(op.pk) in client.get("/finance/overpayments/?status=recovering").content.decode()
    assert client.get("/finance/overpayments/?export=csv").status_code == 200
    assert client.get("/finance/overpayments/?near_limitation=true").status_code == 200
    xlsx = client.get("/finance/overpayments/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(f"/finance/overpayments/{op.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert PersonalDataView.objects.filter(person=op.person, viewer=finance_user).count() == 1
    page = client.get(f"/finance/overpayments/{op.pk}/").content.decode()
    assert op.reference_number in page and 'id="overpayment-journal"' in page


def test_api_list_detail_create_and_bad_input(finance_user: Any, client_for: Any) -> None:
    pension = pensioner()
    client = client_for(finance_user)
    bad = client.post(
        "/api/v1/finance/overpayments",
        {
            "personal_code": "00000000000",
            "period_from": "2026-01-01",
            "period_to": "2026-01-31",
            "amount": "5",
        },
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "personal_code" in bad.content.decode()
    assert not Overpayment.objects.exists()
    created = client.post(
        "/api/v1/finance/overpayments",
        {
            "personal_code": pension.person.personal_code,
            "period_from": "2026-01-01",
            "period_to": "2026-01-31",
            "amount": "5",
            "description": "API finding",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.get("/api/v1/finance/overpayments?status=detected").json()[0]["id"] == pk
    assert client.get(f"/api/v1/finance/overpayments/{pk}").json()["balance"] == "5.00"
    assert (
        client.post(
            f"/api/v1/finance/overpayments/{pk}/hearing", {}, content_type="application/json"
        ).status_code
        == 200
    )
    decided = client.post(
        f"/api/v1/finance/overpayments/{pk}/decide",
        {"cause": "recipient", "decision_reasons": REASONS, "decided_amount": "5"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "decided"
    assert client.post(f"/api/v1/finance/overpayments/{pk}/notify").json()["reference_number"]
    refused = client.post(
        f"/api/v1/finance/overpayments/{pk}/arrange", {"method": "offset"}, content_type="application/json"
    )
    assert refused.status_code in (400, 422) and "monthly_amount" in refused.content.decode()
    off = client.post(
        f"/api/v1/finance/overpayments/{pk}/write-off", {"reason": "x"}, content_type="application/json"
    )
    assert off.json()["status"] == "written_off" and off.json()["balance"] == "0.00"
    back = client.post(
        f"/api/v1/finance/overpayments/{pk}/write-off-reverse",
        {"reason": "y"},
        content_type="application/json",
    )
    assert back.json()["status"] == "recovering" and back.json()["balance"] == "5.00"
    waived = client.post(
        f"/api/v1/finance/overpayments/{pk}/waive", {"reason": "z"}, content_type="application/json"
    )
    assert waived.json()["status"] == "waived"


def test_auditor_cannot_change(auditor: Any, finance_user: Any, client_for: Any) -> None:
    op = svc.overpayment_record_manual(
        personal_code=pensioner().person.personal_code,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        amount=Decimal("9"),
        description="x",
        actor=finance_user,
    )
    client = client_for(auditor)
    assert client.get(f"/finance/overpayments/{op.pk}/").status_code == 200
    assert client.post(f"/finance/overpayments/{op.pk}/hearing/", {"hearing-note": "x"}).status_code == 403


def test_demo_every_state_idempotent(system: Any) -> None:
    import io

    from django.db.models import Sum

    from tugi.finance.demo_overpayments import load
    from tugi.finance.models import JournalLine

    for _ in range(12):
        pensioner()
    load(system, io.StringIO())
    states = set(Overpayment.objects.values_list("status", flat=True))
    assert states == set(OverpaymentStatus.values)
    count = Overpayment.objects.count()
    load(system, io.StringIO())
    assert Overpayment.objects.count() == count
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] and totals["d"]


def test_desk_person_section_and_pending(finance_user: Any, rf: Any) -> None:
    from tugi.finance.contributions import overpayments as contrib

    op = svc.overpayment_record_manual(
        personal_code=pensioner().person.personal_code,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        amount=Decimal("9"),
        description="x",
        actor=finance_user,
    )
    Overpayment.objects.filter(pk=op.pk).update(detected_on=dt.date.today() - dt.timedelta(days=20))
    request = rf.get("/")
    request.user = finance_user
    desk = contrib._desk(request)
    assert desk is not None and [o.pk for o in desk["items"]] == [op.pk]
    section = contrib._person_section(request, op.person)
    assert section is not None and section["overpayments"][0].balance == Decimal("9.00")
    assert contrib._pending(finance_user, dt.date.today())[0].url.endswith(f"/{op.pk}/")
    from django.template.loader import render_to_string

    assert f"/{op.pk}/" in render_to_string("finance/overpayment_widget.html", {"data": desk})
    assert "9.00" in render_to_string("finance/overpayment_person.html", {"data": section})


def test_daily_job_runs_detection_and_limitation(system: Any) -> None:
    from types import SimpleNamespace

    from tugi.finance.contributions import overpayments as contrib

    progress = SimpleNamespace(update=lambda **kw: None)
    result = contrib._daily_run(SimpleNamespace(actor=system), progress)
    assert result == {"deaths": 0, "recalculations": 0, "time_barred": 0, "warned": 0}


def test_the_desk_lists_overpayments_waiting_for_action(finance_user: Any, client_for: Any) -> None:
    old, fresh = detected(finance_user), detected(finance_user)
    Overpayment.objects.filter(pk=old.pk).update(detected_on=dt.date.today() - dt.timedelta(days=30))
    Overpayment.objects.filter(pk=fresh.pk).update(detected_on=dt.date.today())
    page = client_for(finance_user).get("/").content.decode()
    assert 'id="overpayment-widget"' in page
    assert f'data-overpayment="{old.pk}"' in page  # detected a month ago, nobody has acted
    assert f'data-overpayment="{fresh.pk}"' not in page


def test_the_person_page_lists_their_overpayments_with_balances(finance_user: Any, client_for: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    page = client_for(finance_user).get(f"/persons/{op.person.uid}/").content.decode()
    assert 'id="person-overpayments"' in page
    assert f'href="/finance/overpayments/{op.pk}/"' in page and "120.00" in page
