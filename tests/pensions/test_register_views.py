"""Pages of the register: pensions list / detail / actions, insured years, access control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.helpers import assert_queries_do_not_grow
from tests.pensions.factories import InsuredYearFactory, PensionTypeFactory, pension_with_amount
from tugi.core.models import AuditEvent, PersonalDataView
from tugi.pensions.audit_events import PensionEvent
from tugi.pensions.models import AmountReason, Pension, PensionStatus

pytestmark = pytest.mark.django_db


def csv_lines(response: Any) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()


def test_pension_list_filters_and_exports_masked_codes(domain_support: Any, client_for: Any) -> None:
    paid = pension_with_amount(amount="612.40")
    pension_with_amount(status=PensionStatus.SUSPENDED)
    client = client_for(domain_support)
    page = client.get(reverse("pensions:pension_list"), {"status": "in_payment"}).content.decode()
    assert f'data-pension="{paid.pk}"' in page and page.count("data-pension=") == 1
    assert paid.person.personal_code not in page and paid.person.masked_code in page
    response = client.get(reverse("pensions:pension_list"), {"export": "csv"})
    lines = csv_lines(response)
    assert len(lines) == 3
    assert paid.person.personal_code not in "\n".join(lines)
    assert any(paid.person.masked_code in line and "612.40" in line for line in lines)


def test_pension_list_by_start_date(domain_support: Any, client_for: Any) -> None:
    early = pension_with_amount(start_date=dt.date(2019, 5, 1))
    pension_with_amount(start_date=dt.date(2024, 5, 1))
    page = client_for(domain_support).get(
        reverse("pensions:pension_list"), {"start_from": "2019-01-01", "start_to": "2019-12-31"}
    )
    assert (
        page.content.decode().count("data-pension=") == 1
        and f'data-pension="{early.pk}"' in page.content.decode()
    )


def test_find_by_personal_code_keeps_the_code_out_of_the_url(domain_support: Any, client_for: Any) -> None:
    wanted = pension_with_amount()
    pension_with_amount()
    client = client_for(domain_support)
    response = client.post(reverse("pensions:pension_list"), {"personal_code": wanted.person.personal_code})
    assert response.status_code == 302
    assert wanted.person.personal_code not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert page.count("data-pension=") == 1 and f'data-pension="{wanted.pk}"' in page
    bad = client.post(reverse("pensions:pension_list"), {"personal_code": "12345678901"}, follow=True)
    assert "personal code" in bad.content.decode().lower()


def test_pension_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)
    pension_with_amount()
    client.get(reverse("pensions:pension_list"))
    assert_queries_do_not_grow(
        lambda: [pension_with_amount() for _ in range(5)],
        lambda: client.get(reverse("pensions:pension_list")),
    )


def test_pension_detail_shows_components_and_history_and_logs_the_view(
    finance_user: Any, client_for: Any
) -> None:
    pension = pension_with_amount(
        amount="595.35", service_years=Decimal("44"), insurance_shares=Decimal("0"), joint_shares=Decimal("0")
    )
    row = pension.amounts.get()
    row.base_amount, row.year_value = Decimal("255.7562"), Decimal("7.718")
    row.save()
    response = client_for(finance_user).get(reverse("pensions:pension_detail", args=[pension.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="pension-amount">595.35<' in page and 'data-component="service_part"' in page
    assert 'data-reason="new"' in page
    assert pension.person.personal_code not in page
    assert 'id="pension-suspend"' not in page  # finance only reads
    assert PersonalDataView.objects.filter(person=pension.person, viewer=finance_user).exists()


def test_test_manager_does_not_see_pensions(test_manager: Any, client_for: Any) -> None:
    pension = pension_with_amount()
    InsuredYearFactory(person_code=pension.person.personal_code)
    client = client_for(test_manager)
    assert client.get(reverse("pensions:pension_list")).status_code == 403
    assert client.get(reverse("pensions:insured_year_list")).status_code == 403
    assert client.get(reverse("pensions:pension_detail", args=[pension.pk])).status_code == 404
    page = client.get(reverse("core:person_detail", args=[pension.person.uid])).content.decode()
    assert "person-pension-insurance" not in page


def test_suspend_resume_end_through_the_pages(domain_support: Any, client_for: Any) -> None:
    pension = pension_with_amount()
    client = client_for(domain_support)
    detail = reverse("pensions:pension_detail", args=[pension.pk])
    no_reason = client.post(reverse("pensions:pension_suspend", args=[pension.pk]), {"reason": ""})
    assert no_reason.status_code == 200 and 'data-field="reason"' in no_reason.content.decode()
    response = client.post(
        reverse("pensions:pension_suspend", args=[pension.pk]), {"reason": "residence check"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    pension.refresh_from_db()
    assert pension.status == PensionStatus.SUSPENDED
    client.post(reverse("pensions:pension_resume", args=[pension.pk]), {"reason": "resident again"})
    bad = client.post(
        reverse("pensions:pension_end", args=[pension.pk]), {"ended_on": "2001-01-01", "reason": "x"}
    )
    assert 'data-field="ended_on"' in bad.content.decode()
    client.post(
        reverse("pensions:pension_end", args=[pension.pk]), {"ended_on": "2025-06-30", "reason": "moved"}
    )
    pension.refresh_from_db()
    assert (pension.status, pension.ended_on) == (PensionStatus.ENDED, dt.date(2025, 6, 30))
    events = AuditEvent.objects.filter(event_type=PensionEvent.PENSION_CHANGED, object_id=str(pension.pk))
    assert events.count() == 3


def test_finance_cannot_change_a_pension(finance_user: Any, client_for: Any) -> None:
    pension = pension_with_amount()
    client = client_for(finance_user)
    assert (
        client.post(reverse("pensions:pension_suspend", args=[pension.pk]), {"reason": "x"}).status_code
        == 403
    )
    pension.refresh_from_db()
    assert pension.status == PensionStatus.IN_PAYMENT


def test_correct_the_amount_through_the_page(domain_support: Any, client_for: Any) -> None:
    pension = pension_with_amount(start_date=dt.date(2022, 6, 1))
    row = pension.amounts.get()
    row.base_amount, row.year_value = Decimal("255.7562"), Decimal("7.718")
    row.save()
    response = client_for(domain_support).post(
        reverse("pensions:pension_correct", args=[pension.pk]),
        {
            "valid_from": "2022-09-01",
            "service_years": "21",
            "insurance_shares": "15.250",
            "joint_shares": "2.100",
            "adjustment_factor": "1",
            "reason": "a service year was missing",
        },
    )
    assert response.status_code == 302
    new = pension.amounts.get(reason=AmountReason.CORRECTION)
    # 255.7562 + (21 + 15.25 + 2.1) × 7.718 = 255.7562 + 295.9853 = 551.7415
    assert new.amount == Decimal("551.74") and new.valid_from == dt.date(2022, 9, 1)


def test_grant_from_the_person_page(domain_support: Any, client_for: Any) -> None:
    PensionTypeFactory()
    person = PersonFactory()
    client = client_for(domain_support)
    page = client.get(reverse("core:person_detail", args=[person.uid])).content.decode()
    assert 'id="pension-grant"' in page
    kind = PensionTypeFactory()
    response = client.post(
        reverse("pensions:pension_grant", args=[person.uid]),
        {
            "pension_type": kind.pk,
            "start_date": "2022-06-01",
            "service_years": "44",
            "insurance_shares": "0",
            "joint_shares": "0",
            "adjustment_factor": "1",
        },
    )
    assert response.status_code == 302
    pension = Pension.objects.get(person=person)
    assert pension.amounts.get().amount == Decimal("595.35")


def test_person_page_section_lists_years_and_pensions(domain_support: Any, client_for: Any) -> None:
    pension = pension_with_amount()
    InsuredYearFactory(person_code=pension.person.personal_code, year=2024)
    page = (
        client_for(domain_support)
        .get(reverse("core:person_detail", args=[pension.person.uid]))
        .content.decode()
    )
    assert "Pension insurance" in page
    assert reverse("pensions:explain_year", args=[pension.person.uid, 2024]) in page
    assert reverse("pensions:pension_detail", args=[pension.pk]) in page


def test_insured_years_list_masks_codes_and_links_the_explanation(auditor: Any, client_for: Any) -> None:
    person = PersonFactory()
    InsuredYearFactory(person_code=person.personal_code, year=2023)
    InsuredYearFactory(year=2024)
    client = client_for(auditor)
    page = client.get(reverse("pensions:insured_year_list"), {"year": 2023}).content.decode()
    assert person.personal_code not in page and person.personal_code[:7] + "****" in page
    assert reverse("pensions:explain_year", args=[person.uid, 2023]) in page
    lines = csv_lines(client.get(reverse("pensions:insured_year_list"), {"export": "csv"}))
    assert len(lines) == 3 and person.personal_code not in "\n".join(lines)
    client.get(reverse("pensions:insured_year_list"))
    assert_queries_do_not_grow(
        lambda: [InsuredYearFactory() for _ in range(5)],
        lambda: client.get(reverse("pensions:insured_year_list")),
    )


def test_pensions_of_the_deceased_on_the_desk_and_ended_by_button(
    domain_support: Any, client_for: Any
) -> None:
    pension = pension_with_amount(person=PersonFactory(date_of_death=dt.date(2025, 3, 3)))
    client = client_for(domain_support)
    assert 'data-widget="pensions-deceased"' in client.get(reverse("core:desk")).content.decode()
    client.post(reverse("pensions:pensions_end_deceased"), {"reason": "date of death"})
    pension.refresh_from_db()
    assert pension.status == PensionStatus.ENDED
    assert 'data-widget="pensions-deceased"' not in client.get(reverse("core:desk")).content.decode()


def test_api_gives_a_pension_with_components_and_masked_code(
    finance_user: Any, test_manager: Any, client_for: Any
) -> None:
    pension = pension_with_amount(
        amount="595.35", service_years=Decimal("44"), insurance_shares=Decimal("0"), joint_shares=Decimal("0")
    )
    row = pension.amounts.get()
    row.base_amount, row.year_value = Decimal("255.7562"), Decimal("7.718")
    row.save()
    response = client_for(finance_user).get(f"/api/v1/pensions/pensions/{pension.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["person_code"] == pension.person.masked_code and data["components"]["amount"] == "595.35"
    assert data["history"][0]["reason"] == "new"
    assert pension.person.personal_code not in response.content.decode()
    assert PersonalDataView.objects.filter(person=pension.person, viewer=finance_user, channel="api").exists()
    assert client_for(test_manager).get(f"/api/v1/pensions/pensions/{pension.pk}").status_code in (403, 404)
