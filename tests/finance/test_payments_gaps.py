"""The payments topic's three gaps closed: debtor account pages, holds placed by hand on the person's
page, and an account import that changes nothing the second time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.finance.models import BankAccount, DebtorAccount, HoldReason, PaymentHold, PaymentRun, RunStatus
from tugi.finance.services import payments as svc
from tugi.finance.services.holds import hold_place

from .factories import IBANS, debtor_account, pensioner

pytestmark = pytest.mark.django_db

SEB_IBAN = "EE801000102200347966"  # bank code 10: EEUHEE2X


def _events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def _field_error(response: Any, field: str) -> bool:
    return f'data-field="{field}"' in response.content.decode()


# --- 1. debtor accounts ---------------------------------------------------------------------------


def _debtor_data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "ska-pension",
        "name": "Sotsiaalkindlustusamet",
        "iban": "ee80 1000 1022 0034 7966",
        "bic": "",
        "benefit": "pension",
        "is_active": "on",
        "reason": "new installation",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_debtor_pages_add_edit_and_a_fresh_installation_can_pay(
    finance_user: Any, make_user: Any, client_for: Any
) -> None:
    client = client_for(finance_user)
    page = client.get(reverse("finance:debtor_list")).content.decode()
    assert 'id="debtor-missing"' in page and 'id="debtor-add"' in page
    assert "style=" not in page and "<script>" not in page
    assert 'href="/finance/debtors/"' in client.get(reverse("finance:parameter_list")).content.decode()
    assert reverse("finance:debtor_list") in client.get("/").content.decode()  # the menu entry

    response = client.post(reverse("finance:debtor_add"), _debtor_data())
    assert response.status_code == 302 and response["Location"] == reverse("finance:debtor_list")
    debtor = DebtorAccount.objects.get()
    assert (debtor.iban, debtor.bic, debtor.benefit, debtor.is_active) == (
        SEB_IBAN,
        "EEUHEE2X",
        "pension",
        True,
    )
    assert _events("finance.debtor_saved") == 1
    page = client.get(reverse("finance:debtor_list")).content.decode()
    assert f'data-debtor="{debtor.pk}"' in page and reverse("finance:debtor_edit", args=[debtor.pk]) in page

    edit = reverse("finance:debtor_edit", args=[debtor.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, _debtor_data(name="Sotsiaalkindlustusamet (SKA)"))
    debtor.refresh_from_db()
    assert debtor.name == "Sotsiaalkindlustusamet (SKA)" and _events("finance.debtor_saved") == 2
    client.post(edit, _debtor_data(name="Sotsiaalkindlustusamet (SKA)"))  # nothing changed: no event
    assert _events("finance.debtor_saved") == 2

    # the run of a fresh installation is released from the account added on the page
    pensioner()
    run = svc.run_compute_now(
        run=svc.run_create(benefit="pension", month="2026-03", actor=finance_user), actor=finance_user
    )
    other = make_user(Role.FINANCE)
    svc.run_approve(run=run, actor=other)
    run = svc.run_release(run=run, actor=other)
    assert run.status == RunStatus.RELEASED and run.files.get().debtor == debtor

    # once files were written from it, the IBAN stays; deactivating is fine
    count = _events("finance.debtor_saved")
    refused = client.post(edit, _debtor_data(iban=IBANS[1]))
    assert refused.status_code == 200 and _field_error(refused, "iban")
    debtor.refresh_from_db()
    assert debtor.iban == SEB_IBAN and _events("finance.debtor_saved") == count
    client.post(edit, _debtor_data(is_active=None))
    debtor.refresh_from_db()
    assert debtor.is_active is False and _events("finance.debtor_saved") == count + 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"iban": "EE80100010220034796"}, "iban"),
        ({"iban": ""}, "iban"),
        ({"bic": "XX"}, "bic"),
        ({"code": "ska pension"}, "code"),
        ({"name": ""}, "name"),
        ({"benefit": "holiday"}, "benefit"),
        ({"code": "ska-pension-2"}, "benefit"),  # a second active account for pensions
        ({"code": "ska-pension", "benefit": "family"}, "code"),  # the code is taken
    ],
)
def test_debtor_form_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, changes: dict[str, Any], field: str
) -> None:
    svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    client = client_for(finance_user)
    rows, events = DebtorAccount.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("finance:debtor_add"), _debtor_data(**changes))
    assert response.status_code == 200 and _field_error(response, field)
    assert DebtorAccount.objects.count() == rows and AuditEvent.objects.count() == events


def test_debtor_second_active_account_may_be_added_inactive_and_swapped(finance_user: Any) -> None:
    first = svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    second = svc.debtor_account_save(
        actor=finance_user,
        code="ska-pension-new",
        name="SKA",
        iban=IBANS[2],
        benefit="pension",
        is_active=False,
    )
    assert second.bic == "LHVBEE22"
    with pytest.raises(ValidationError) as exc:
        svc.debtor_account_save(
            actor=finance_user, debtor=second, code=second.code, name="SKA", iban=IBANS[2], benefit="pension"
        )
    assert "benefit" in exc.value.message_dict
    svc.debtor_account_save(
        actor=finance_user,
        debtor=first,
        code=first.code,
        name="SKA",
        iban=SEB_IBAN,
        benefit="pension",
        is_active=False,
    )
    svc.debtor_account_save(
        actor=finance_user, debtor=second, code=second.code, name="SKA", iban=IBANS[2], benefit="pension"
    )
    assert list(DebtorAccount.objects.filter(is_active=True)) == [second]
    assert _events("finance.debtor_saved") == 4


def test_debtor_pages_refuse_a_role_without_the_grant(
    domain_support: Any, auditor: Any, finance_user: Any, client_for: Any
) -> None:
    debtor = svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    events = AuditEvent.objects.count()
    for user in (domain_support, auditor):  # may view, not add or change
        client = client_for(user)
        page = client.get(reverse("finance:debtor_list"))
        assert page.status_code == 200 and 'id="debtor-add"' not in page.content.decode()
        assert reverse("finance:debtor_edit", args=[debtor.pk]) not in page.content.decode()
        assert client.get(reverse("finance:debtor_add")).status_code == 403
        assert (
            client.post(reverse("finance:debtor_add"), _debtor_data(code="x", benefit="family")).status_code
            == 403
        )
        edit = reverse("finance:debtor_edit", args=[debtor.pk])
        assert client.post(edit, _debtor_data(name="Changed")).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.debtor_account_save(actor=domain_support, code="x", name="X", iban=SEB_IBAN, benefit="family")
    debtor.refresh_from_db()
    assert debtor.name == "SKA" and DebtorAccount.objects.count() == 1
    assert AuditEvent.objects.count() == events


# --- 2. holds placed by hand ---------------------------------------------------------------------


def test_place_a_hold_from_the_person_page(finance_user: Any, client_for: Any) -> None:
    person = pensioner().person
    client = client_for(finance_user)
    page = client.get(reverse("core:person_detail", args=[person.uid])).content.decode()
    url = reverse("finance:hold_place", args=[person.uid])
    assert 'id="hold-place"' in page and url in page
    form = client.get(url).content.decode()
    assert 'id="hold-place-form"' in form and "style=" not in form and "<script>" not in form

    response = client.post(url, {"reason": HoldReason.CLOSED_ACCOUNT, "note": "the bank called"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:person_detail", args=[person.uid]
    )
    hold = PaymentHold.objects.get()
    assert (hold.person, hold.reason, hold.note, hold.placed_by) == (
        person,
        "AC04",
        "the bank called",
        finance_user,
    )
    assert hold.released_at is None and _events("finance.hold_placed") == 1
    page = client.get(reverse("core:person_detail", args=[person.uid])).content.decode()
    assert f'data-hold="{hold.pk}"' in page and 'id="hold-place"' not in page

    # the hold stops payment in the next run
    run = svc.run_compute_now(
        run=svc.run_create(benefit="pension", month="2026-03", actor=finance_user), actor=finance_user
    )
    assert run.counts["held"] == 1 and run.lines.get().hold_reason == "hold:AC04"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "manual", "note": ""}, "note"),
        ({"reason": "AC01", "note": "   "}, "note"),
        ({"reason": "XX99", "note": "why"}, "reason"),
    ],
)
def test_place_a_hold_bad_input_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, str], field: str
) -> None:
    person = pensioner().person
    events = AuditEvent.objects.count()
    response = client_for(finance_user).post(reverse("finance:hold_place", args=[person.uid]), data)
    assert response.status_code == 200 and _field_error(response, field)
    assert PaymentHold.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_second_active_hold_is_refused(finance_user: Any, client_for: Any) -> None:
    person = pensioner().person
    first = hold_place(person=person, reason=HoldReason.MANUAL, note="checking", actor=finance_user)
    client = client_for(finance_user)
    url = reverse("finance:hold_place", args=[person.uid])
    assert f'data-hold="{first.pk}"' in client.get(url).content.decode()  # says it is held already
    events = AuditEvent.objects.count()
    response = client.post(url, {"reason": "manual", "note": "again"})
    assert response.status_code == 200 and _field_error(response, "reason")
    assert "already held" in response.content.decode()
    assert PaymentHold.objects.count() == 1 and AuditEvent.objects.count() == events
    # a returned payment keeps the earlier hold, as before
    assert hold_place(person=person, reason=HoldReason.CLOSED_ACCOUNT, note="x", actor=finance_user) == first
    # after release, a new hold may be placed
    client.post(reverse("finance:hold_release", args=[first.pk]), {"note": "account checked"})
    assert client.post(url, {"reason": "manual", "note": "again"}).status_code == 302
    assert PaymentHold.objects.filter(released_at__isnull=True).count() == 1


def test_place_a_hold_refuses_a_role_without_the_grant(auditor: Any, make_user: Any, client_for: Any) -> None:
    person = pensioner().person
    events = AuditEvent.objects.count()
    for user in (auditor, make_user()):
        client = client_for(user)
        url = reverse("finance:hold_place", args=[person.uid])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "manual", "note": "x"}).status_code == 403
    page = client_for(auditor).get(reverse("core:person_detail", args=[person.uid])).content.decode()
    assert 'id="hold-place"' not in page
    with pytest.raises(PermissionDenied):
        hold_place(person=person, reason="manual", note="x", actor=auditor, by_hand=True)
    assert PaymentHold.objects.count() == 0 and AuditEvent.objects.count() == events


# --- 3. importing the same accounts twice ------------------------------------------------------


def _upload(client: Any, content: str) -> Any:
    return client.post(
        reverse("finance:account_import"),
        {"file": SimpleUploadedFile("accounts.csv", content.encode()), "reason": "import"},
    )


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    finance_user: Any, client_for: Any
) -> None:
    a, b = pensioner(iban=None).person, pensioner(iban=IBANS[3], given_on=dt.date(2019, 1, 1)).person
    content = (
        "person_code;iban;given_on;town;country\n"
        f"{a.personal_code};{IBANS[0]};2024-01-01;Võru;EE\n"
        f"{a.personal_code};{IBANS[1]};2025-01-01;Võru;EE\n"  # a's account history: two lines
        f"{b.personal_code};{IBANS[2]};2025-02-01;;\n"
    )
    client = client_for(finance_user)
    first = _upload(client, content)
    assert first.status_code == 200
    page = first.content.decode()
    assert 'data-accounts="3"' in page and 'data-unchanged="0"' in page
    rows, events = BankAccount.objects.count(), AuditEvent.objects.count()
    assert rows == 4 and _events("finance.account_given") == 3

    second = _upload(client, content)
    page = second.content.decode()
    assert second.status_code == 200 and 'data-accounts="0"' in page and 'data-unchanged="3"' in page
    assert "3 lines skipped as unchanged" in page
    assert BankAccount.objects.count() == rows and AuditEvent.objects.count() == events

    # a line that does change the current account is still added, the others skipped
    changed = content + f"{b.personal_code};{IBANS[0]};2025-03-01;;\n"
    assert svc.accounts_import(content=changed.encode(), actor=finance_user) == {
        "accounts": 1,
        "persons": 1,
        "unchanged": 3,
    }
    assert BankAccount.objects.count() == rows + 1 and _events("finance.account_given") == 4


def test_a_line_equal_to_the_current_account_is_skipped_even_in_another_file(finance_user: Any) -> None:
    person = pensioner(iban=IBANS[0], given_on=dt.date(2025, 1, 1)).person
    same = f"person_code;iban;given_on\n{person.personal_code};{IBANS[0]};2025-01-01\n"
    assert svc.accounts_import(content=same.encode(), actor=finance_user) == {
        "accounts": 0,
        "persons": 0,
        "unchanged": 1,
    }
    other_day = f"person_code;iban;given_on\n{person.personal_code};{IBANS[0]};2025-06-01\n"
    assert svc.accounts_import(content=other_day.encode(), actor=finance_user)["accounts"] == 1
    assert BankAccount.objects.count() == 2 and _events("finance.account_given") == 1


def test_account_import_bad_line_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any
) -> None:
    person = pensioner(iban=None).person
    events = AuditEvent.objects.count()
    content = f"person_code;iban;given_on\n{person.personal_code};{IBANS[0]};01.01.2025\n"
    response = _upload(client_for(finance_user), content)
    assert response.status_code == 400 and 'data-line="2" data-column="given_on"' in response.content.decode()
    assert BankAccount.objects.count() == 0 and AuditEvent.objects.count() == events


def test_account_import_refuses_a_role_without_the_grant(auditor: Any, client_for: Any) -> None:
    person = pensioner(iban=None).person
    events = AuditEvent.objects.count()
    client = client_for(auditor)
    assert client.get(reverse("finance:account_import")).status_code == 403
    content = f"person_code;iban;given_on\n{person.personal_code};{IBANS[0]};2025-01-01\n"
    assert _upload(client, content).status_code == 403
    assert BankAccount.objects.count() == 0 and AuditEvent.objects.count() == events
    assert PaymentRun.objects.count() == 0


def test_the_database_keeps_one_active_debtor_account_per_benefit() -> None:
    debtor_account(code="ska-pension-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        debtor_account(code="ska-pension-2")
    debtor_account(code="ska-pension-old", is_active=False)  # inactive ones may be many
    assert DebtorAccount.objects.filter(benefit="pension", is_active=True).count() == 1
