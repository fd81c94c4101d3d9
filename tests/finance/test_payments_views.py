"""Pages and API of payment runs, accounts, holds and parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.finance.models import BankAccount, FinanceParameter, HoldReason, PaymentHold, PaymentRun, RunStatus
from tugi.finance.services import payments as svc
from tugi.finance.services.holds import hold_place

from .factories import IBANS, debtor_account, pensioner

pytestmark = pytest.mark.django_db


def _computed(actor: Any, month: str = "2026-03") -> PaymentRun:
    run = svc.run_create(benefit="pension", month=month, actor=actor)
    return svc.run_compute_now(run=run, actor=actor)


def test_run_pages_show_review_and_held_lines(finance_user: Any, client_for: Any) -> None:
    pensioner(amount="700.00")
    pensioner(amount="300.00", iban=None)
    run = _computed(finance_user)
    client = client_for(finance_user)
    page = client.get(reverse("finance:run_list"))
    assert page.status_code == 200 and f'data-run="{run.pk}"' in page.content.decode()
    detail = client.get(reverse("finance:run_detail", args=[run.pk])).content.decode()
    assert 'id="run-held"' in detail and 'data-reason="no-account"' in detail
    # the held line's reason is the label the user reads, not the stored key
    held_table = detail.split('id="run-held"', 1)[1].split("</table>", 1)[0]
    assert "no bank account" in held_table and ">no-account<" not in held_table
    assert 'id="run-four-eyes"' in detail and 'id="run-approve"' not in detail
    assert "style=" not in detail and "<script>" not in detail
    lines = client.get(reverse("finance:run_lines", args=[run.pk]), {"status": "held"}).content.decode()
    assert lines.count(f'data-line="P{run.pk}-') == 1
    csv = b"".join(
        client.get(reverse("finance:run_lines", args=[run.pk]), {"export": "csv"}).streaming_content
    )
    assert csv.decode().count("\n") == 3
    xlsx = client.get(reverse("finance:run_lines", args=[run.pk]), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    runs_csv = client.get(reverse("finance:run_list"), {"export": "csv"})
    assert runs_csv.status_code == 200


def test_create_form_names_the_field_and_changes_nothing(finance_user: Any, client_for: Any) -> None:
    svc.run_create(benefit="pension", month="2026-05", actor=finance_user)
    client = client_for(finance_user)
    response = client.post(reverse("finance:run_create"), {"benefit": "pension", "month": "2026-05"})
    assert response.status_code == 200 and "already a live run" in response.content.decode()
    response = client.post(reverse("finance:run_create"), {"benefit": "pension", "month": "May"})
    assert "YYYY-MM" in response.content.decode()
    assert PaymentRun.objects.count() == 1


def test_approve_and_release_buttons(finance_user: Any, make_user: Any, client_for: Any) -> None:
    debtor_account()
    pensioner()
    run = _computed(finance_user)
    other = make_user(Role.FINANCE)
    client_for(finance_user).post(reverse("finance:run_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED
    client = client_for(other)
    assert 'id="run-approve"' in client.get(reverse("finance:run_detail", args=[run.pk])).content.decode()
    client.post(reverse("finance:run_approve", args=[run.pk]), {"reason": "checked"})
    client.post(reverse("finance:run_release", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.RELEASED


def test_auditor_sees_but_cannot_act(auditor: Any, finance_user: Any, client_for: Any) -> None:
    run = svc.run_create(benefit="pension", month="2026-03", actor=finance_user)
    client = client_for(auditor)
    assert client.get(reverse("finance:run_detail", args=[run.pk])).status_code == 200
    assert client.post(reverse("finance:run_discard", args=[run.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("finance:run_create")).status_code == 403


def test_person_section_account_form_and_hold_release(finance_user: Any, client_for: Any) -> None:
    pension = pensioner(iban=None)
    person = pension.person
    hold = hold_place(person=person, reason=HoldReason.MANUAL, note="checking", actor=finance_user)
    client = client_for(finance_user)
    page = client.get(reverse("core:person_detail", args=[person.uid])).content.decode()
    assert 'id="person-no-account"' in page and f'data-hold="{hold.pk}"' in page
    bad = client.post(
        reverse("finance:account_add", args=[person.uid]), {"iban": "EE12", "given_on": "2025-01-01"}
    )
    assert bad.status_code == 200 and "IBAN is not valid" in bad.content.decode()
    assert not BankAccount.objects.exists()
    client.post(
        reverse("finance:account_add", args=[person.uid]), {"iban": IBANS[0], "given_on": "2025-01-01"}
    )
    assert BankAccount.objects.get().iban == IBANS[0]
    client.post(reverse("finance:hold_release", args=[hold.pk]), {"note": "new account given"})
    assert PaymentHold.objects.get().released_at is not None


def test_account_import_page(finance_user: Any, client_for: Any) -> None:
    pension = pensioner(iban=None)
    content = f"person_code;iban;given_on\n{pension.person.personal_code};EE99;2025-01-01\n".encode()
    client = client_for(finance_user)
    response = client.post(
        reverse("finance:account_import"), {"file": SimpleUploadedFile("a.csv", content), "reason": "import"}
    )
    assert response.status_code == 400 and 'data-line="2" data-column="iban"' in response.content.decode()
    assert not BankAccount.objects.exists()


def test_parameters_page_and_form(finance_user: Any, client_for: Any) -> None:
    svc.parameters_ensure_defaults(actor=finance_user)
    client = client_for(finance_user)
    assert "may be offset" in client.get(reverse("finance:parameter_list")).content.decode()
    response = client.post(
        reverse("finance:parameter_add"), {"name": "deduction_cap", "valid_from": "2027-01-01", "value": "x"}
    )
    assert response.status_code == 200 and FinanceParameter.objects.count() == 3
    client.post(
        reverse("finance:parameter_add"),
        {"name": "deduction_cap", "benefit": "pension", "valid_from": "2027-01-01", "value": "0,4"},
    )
    assert FinanceParameter.objects.count() == 4
    assert AuditEvent.objects.filter(event_type="finance.parameter_saved").count() == 4


def test_api_runs(finance_user: Any, make_user: Any, client_for: Any) -> None:
    debtor_account()
    pensioner()
    client = client_for(finance_user)
    bad = client.post(
        "/api/v1/finance/runs", {"benefit": "pension", "month": "26-13"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "month" in bad.json()["errors"]
    assert PaymentRun.objects.count() == 0
    created = client.post("/api/v1/finance/runs", {"month": "2026-03"}, content_type="application/json")
    assert created.status_code == 201
    run_id = created.json()["id"]
    assert created.json()["payment_date"] == "2026-03-05"
    svc.run_compute_now(run=PaymentRun.objects.get(pk=run_id), actor=finance_user)
    refused = client.post(f"/api/v1/finance/runs/{run_id}/approve", {}, content_type="application/json")
    assert refused.status_code == 403 and "Four eyes" in refused.json()["detail"]
    release_early = client.post(f"/api/v1/finance/runs/{run_id}/release")
    assert release_early.status_code == 422 and "status" in release_early.json()["errors"]
    other = client_for(make_user(Role.FINANCE))
    assert (
        other.post(f"/api/v1/finance/runs/{run_id}/approve", {}, content_type="application/json").status_code
        == 200
    )
    released = other.post(f"/api/v1/finance/runs/{run_id}/release")
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert len(released.json()["files"]) == 1
    listing = client.get("/api/v1/finance/runs", {"status": "released"}).json()
    assert [r["id"] for r in listing["items"]] == [run_id]
    assert client.get(f"/api/v1/finance/runs/{run_id}").json()["totals"]["net"] == "750.00"


def test_desk_widget_lists_runs_waiting_for_someone_else(
    finance_user: Any, make_user: Any, client_for: Any
) -> None:
    pensioner()
    run = _computed(finance_user)
    other = make_user(Role.FINANCE)
    desk = client_for(other).get("/").content.decode()
    assert 'data-widget="finance-runs-waiting"' in desk and f'data-run="{run.pk}"' in desk
    assert 'data-widget="finance-runs-waiting"' not in client_for(finance_user).get("/").content.decode()
    assert run.month == dt.date(2026, 3, 1)


def test_create_and_compute_in_the_background(
    finance_user: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pensioner()
    client = client_for(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("finance:run_create"), {"benefit": "pension", "month": "2026-03", "compute": "on"}
        )
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and run.job is not None
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED and run.counts["paid"] == 1
    progress = client.get(reverse("finance:run_progress", args=[run.pk]))
    assert progress["HX-Refresh"] == "true"
