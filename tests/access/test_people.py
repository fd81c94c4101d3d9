"""People and accounts: organisation units, account pages, leavers, the HR import (joiner, mover,
leaver), the review of flagged assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
)
from tests.base import ViewContract
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.explain import explain
from tugi.access.models import Account, AssignmentStatus, EmploymentStatus, OrgUnit, OrgUnitKind
from tugi.access.services import people as svc
from tugi.core.imports import ImportError_
from tugi.core.models import AuditEvent, Job, JobStatus
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
HEADER = "employee_id;username;first_name;last_name;email;org_unit;position;manager;status;left_on\n"


def hr_file(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


@pytest.fixture
def units(db: Any) -> dict[str, OrgUnit]:
    return {
        "pensionid": OrgUnitFactory(code="pensionid", name="Pensionide osakond"),
        "tartu": OrgUnitFactory(code="tartu", name="Tartu linn", kind=OrgUnitKind.MUNICIPALITY),
    }


BASE_FILE = hr_file(
    "E1;juhan;Juhan;Juht;juhan@agency.example.com;pensionid;osakonnajuhataja;;active;",
    "E2;mari;Mari;Tamm;mari@agency.example.com;pensionid;spetsialist;juhan;active;",
    "E3;liis;Liis;Kask;;tartu;sotsiaaltöötaja;;active;",
)


# --- the HR import: validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("E9;jaan;Jaan;Saar;;nowhere;x;;active;", "org_unit"),
        ("E9;jaan;Jaan;Saar;;pensionid;x;ghost;active;", "manager"),
        ("E9;jaan;Jaan;Saar;not-an-address;pensionid;x;;active;", "email"),
        ("E9;jaan;Jaan;Saar;;pensionid;x;;left;", "left_on"),
        ("E9;jaan;Jaan;Saar;;pensionid;x;;left;31.12.2025", "left_on"),
        ("E9;jaan;Jaan;Saar;;pensionid;x;;retired;", "status"),
        ("E9;jaan;;Saar;;pensionid;x;;active;", "first_name"),
        ("E9;jaan;Jaan;Saar;;pensionid;x;jaan;active;", "manager"),
        ("E9;mari;Mari;Teine;;pensionid;x;;active;", "username"),
    ],
)
def test_a_bad_line_is_named_with_its_field_and_nothing_is_stored(
    units: Any, domain_support: Any, line: str, field: str
) -> None:
    content = hr_file("E2;mari;Mari;Tamm;;pensionid;spetsialist;;active;", line)
    with no_audit_event(), pytest.raises(ImportError_) as err:
        svc.hr_import(content=content, actor=domain_support)
    assert [(e.line, e.field) for e in err.value.errors] == [(3, field)]
    assert not Account.objects.exists()


def test_every_bad_line_is_reported_at_once(units: Any) -> None:
    content = hr_file(
        "E1;a;A;A;;nowhere;x;;active;",
        "E2;b;B;B;;pensionid;x;;active;",
        "E3;c;C;C;bad;pensionid;x;nobody;left;",
        "E4;d;D;D",
    )
    with pytest.raises(ImportError_) as err:
        svc.hr_import_validate(content)
    assert [(e.line, e.field) for e in err.value.errors] == [
        (2, "org_unit"),
        (4, "email"),
        (4, "manager"),
        (4, "left_on"),
        (5, ""),
    ]
    assert "line 2" in str(err.value.errors[0]) or "rida 2" in str(err.value.errors[0])


def test_a_missing_column_rejects_the_file(units: Any) -> None:
    with pytest.raises(ImportError_) as err:
        svc.hr_import_validate(b"username;first_name\nmari;Mari\n")
    assert {e.field for e in err.value.errors} >= {"org_unit", "status", "left_on"}


# --- the HR import: joiner, mover, leaver ----------------------------------------------------


def test_joiners_are_created_with_their_managers_and_reimport_changes_nothing(
    units: Any, domain_support: Any
) -> None:
    summary = svc.hr_import(content=BASE_FILE, actor=domain_support)
    assert summary["joiners"] == 3 and summary["unchanged"] == 0
    mari = Account.objects.get(username="mari")
    assert mari.manager is not None and mari.manager.username == "juhan"
    assert mari.org_unit == units["pensionid"] and mari.employee_id == "E2"
    assert AuditEvent.objects.filter(event_type="access.account_created").count() == 3
    assert AuditEvent.objects.filter(event_type="access.hr_imported").count() == 1

    with no_audit_event():
        again = svc.hr_import(content=BASE_FILE, actor=domain_support)
    assert again == {**summary, "joiners": 0, "unchanged": 3}


def test_a_failure_while_writing_rolls_the_whole_import_back(
    units: Any, domain_support: Any, monkeypatch: Any
) -> None:
    real_create = svc.account_create
    calls = {"n": 0}

    def failing_create(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(svc, "account_create", failing_create)
    with no_audit_event(), pytest.raises(RuntimeError):
        svc.hr_import(content=BASE_FILE, actor=domain_support)
    assert not Account.objects.exists()


def test_a_manager_further_down_the_file_is_created_first(units: Any, domain_support: Any) -> None:
    content = hr_file(
        "E2;mari;Mari;Tamm;;pensionid;spetsialist;juhan;active;",
        "E1;juhan;Juhan;Juht;;pensionid;juhataja;;active;",
    )
    svc.hr_import(content=content, actor=domain_support)
    assert Account.objects.get(username="mari").manager == Account.objects.get(username="juhan")
    assert AuditEvent.objects.filter(event_type__startswith="access.account_").count() == 2


def test_a_mover_has_assignments_flagged_and_a_leaver_ends_them(units: Any, domain_support: Any) -> None:
    svc.hr_import(content=BASE_FILE, actor=domain_support)
    right = RightFactory()
    mari_assignment = AssignmentFactory(
        account=Account.objects.get(username="mari"), profile=ProfileFactory(content__rights=[right])
    )
    liis = Account.objects.get(username="liis")
    liis_assignments = [AssignmentFactory(account=liis), AssignmentFactory(account=liis, valid_to=None)]
    left_on = TODAY + dt.timedelta(days=2)
    changed = hr_file(
        "E1;juhan;Juhan;Juht;juhan@agency.example.com;pensionid;osakonnajuhataja;;active;",
        "E2;mari;Mari;Tamm;mari@agency.example.com;tartu;spetsialist;juhan;active;",
        f"E3;liis;Liis;Kask;;tartu;sotsiaaltöötaja;;left;{left_on.isoformat()}",
    )
    summary = svc.hr_import(content=changed, actor=domain_support, reason="HR 2025-06")
    assert (summary["movers"], summary["leavers"], summary["unchanged"]) == (1, 1, 1)

    mari_assignment.refresh_from_db()
    assert mari_assignment.needs_review is True and mari_assignment.status == AssignmentStatus.ACTIVE
    moved = AuditEvent.objects.get(event_type="access.account_moved")
    assert moved.before["org_unit"] == units["pensionid"].pk and moved.after["org_unit"] == units["tartu"].pk
    assert moved.reason == "HR 2025-06"

    liis.refresh_from_db()
    assert liis.status == EmploymentStatus.LEAVER and liis.left_on == left_on
    for a in liis_assignments:
        a.refresh_from_db()
        assert a.status == AssignmentStatus.ENDED and a.valid_to == left_on
    assert explain(mari_assignment.account, right, TODAY)["granted"] is True

    with no_audit_event():
        again = svc.hr_import(content=changed, actor=domain_support)
    assert again["unchanged"] == 3


def test_a_returning_leaver_is_active_again(units: Any, domain_support: Any) -> None:
    svc.hr_import(content=BASE_FILE, actor=domain_support)
    svc.hr_import(
        content=hr_file(f"E3;liis;Liis;Kask;;tartu;sotsiaaltöötaja;;left;{TODAY}"), actor=domain_support
    )
    summary = svc.hr_import(
        content=hr_file("E3;liis;Liis;Kask;;tartu;sotsiaaltöötaja;;active;"), actor=domain_support
    )
    assert summary["rejoined"] == 1
    liis = Account.objects.get(username="liis")
    assert liis.status == EmploymentStatus.ACTIVE and liis.left_on is None


def test_someone_who_left_before_tugi_knew_them_is_skipped(units: Any, domain_support: Any) -> None:
    summary = svc.hr_import(
        content=hr_file(f"E7;vana;Vana;Olija;;tartu;x;;left;{TODAY}"), actor=domain_support
    )
    assert summary["skipped"] == 1 and not Account.objects.exists()


def test_auditor_and_viewer_cannot_import(units: Any, auditor: Any, test_manager: Any) -> None:
    for user in (auditor, test_manager):
        with no_audit_event(), pytest.raises(PermissionDenied):
            svc.hr_import(content=BASE_FILE, actor=user)


# --- the HR import page and job --------------------------------------------------------------


def test_import_page_runs_a_job_and_shows_its_page(
    units: Any, domain_support: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(domain_support)
    upload = SimpleUploadedFile("hr.csv", BASE_FILE, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("access:people_hr_import"), {"file": upload, "reason": "June"})
    job = Job.objects.get(kind="access-hr-import")
    assert response["Location"] == reverse("core:job_detail", args=[job.uid])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["joiners"] == 3
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-result"' in page
    assert Account.objects.count() == 3


def test_import_page_lists_bad_lines_and_starts_nothing(
    units: Any, domain_support: Any, client_for: Any
) -> None:
    content = hr_file("E1;a;A;A;;nowhere;x;;active;")
    upload = SimpleUploadedFile("hr.csv", content, content_type="text/csv")
    with no_audit_event():
        response = client_for(domain_support).post(reverse("access:people_hr_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-line="2" data-column="org_unit"' in page
    assert not Job.objects.exists() and not Account.objects.exists()


# --- org units and accounts: services and pages ----------------------------------------------


def test_org_unit_update_writes_one_event_with_before_and_after(units: Any, domain_support: Any) -> None:
    unit = units["tartu"]
    with exactly_one_audit_event("access.org_unit_updated") as events:
        svc.org_unit_update(
            unit=unit, code="tartu", name="Tartu Linnavalitsus", kind=unit.kind, actor=domain_support
        )
    assert events[0].before["name"] == "Tartu linn" and events[0].after["name"] == "Tartu Linnavalitsus"
    with no_audit_event():
        svc.org_unit_update(
            unit=unit, code="tartu", name="Tartu Linnavalitsus", kind=unit.kind, actor=domain_support
        )


class TestOrgUnitViews(ViewContract):
    list_url = "access:people_unit_list"
    create_url = "access:people_unit_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "access.org_unit_created"
    update_event = "access.org_unit_updated"

    def make(self) -> Any:
        return OrgUnitFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("access:people_unit_edit", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {"code": "narva", "name": "Narva linn", "kind": "municipality", "reason": "new"}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"code": "narva linn!", "name": "Narva linn", "kind": "municipality"}, "code"

    def created(self, data: dict[str, Any]) -> Any:
        return OrgUnit.objects.filter(name=data["name"])

    def edit_url(self, obj: Any) -> str:
        return reverse("access:people_unit_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"code": obj.code, "name": "Uus nimi", "kind": obj.kind}

    def test_auditor_reads_list_and_detail(self, auditor: Any, client_for: Any) -> None:
        # the unit has no page of its own: the auditor reads the list (the edit form is refused)
        obj = self.make()
        client = client_for(auditor)
        assert client.get(reverse(self.list_url)).status_code == 200
        assert client.get(self.detail_url(obj)).status_code == 403

    def test_user_without_role_gets_403_on_list_and_404_on_detail(
        self, make_user: Any, client_for: Any
    ) -> None:
        obj = self.make()
        client = client_for(make_user())
        assert client.get(reverse(self.list_url)).status_code == 403
        assert client.get(self.detail_url(obj)).status_code == 403


class TestAccountViews(ViewContract):
    list_url = "access:people_account_list"
    create_url = "access:people_account_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "access.account_created"
    update_event = "access.account_updated"

    def make(self) -> Any:
        account = AccountFactory(manager=AccountFactory())
        AssignmentFactory(account=account)
        return account

    def detail_url(self, obj: Any) -> str:
        return reverse("access:people_account_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        unit = OrgUnitFactory(code="pensionid")
        return {
            "username": "uus.kasutaja",
            "first_name": "Uus",
            "last_name": "Kasutaja",
            "email": "uus@agency.example.com",
            "org_unit": unit.pk,
            "position": "spetsialist",
            "reason": "joiner",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["email"] = "no-at-sign"
        return data, "email"

    def created(self, data: dict[str, Any]) -> Any:
        return Account.objects.filter(username=data["username"])

    def edit_url(self, obj: Any) -> str:
        return reverse("access:people_account_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "username": obj.username,
            "first_name": obj.first_name,
            "last_name": "Uusnimi",
            "org_unit": obj.org_unit_id,
            "position": obj.position,
        }


def test_duplicate_username_is_refused_on_the_form(domain_support: Any, client_for: Any) -> None:
    existing = AccountFactory()
    data = {
        "username": existing.username,
        "first_name": "A",
        "last_name": "B",
        "org_unit": existing.org_unit_id,
    }
    with no_audit_event():
        response = client_for(domain_support).post(reverse("access:people_account_create"), data)
    assert 'data-field="username"' in response.content.decode()


def test_account_list_filters(auditor: Any, client_for: Any) -> None:
    municipality = OrgUnitFactory(kind=OrgUnitKind.MUNICIPALITY)
    flagged = AccountFactory(org_unit=municipality, position="sotsiaaltöötaja")
    AssignmentFactory(account=flagged, needs_review=True)
    plain = AccountFactory()
    leaver = AccountFactory(status=EmploymentStatus.LEAVER, left_on=TODAY)
    client = client_for(auditor)

    def shown(**params: Any) -> set[str]:
        page = client.get(reverse("access:people_account_list"), params).content.decode()
        return {a.username for a in (flagged, plain, leaver) if f'data-account="{a.username}"' in page}

    assert shown() == {flagged.username, plain.username, leaver.username}
    assert shown(kind="municipality") == {flagged.username}
    assert shown(org_unit=plain.org_unit_id) == {plain.username}
    assert shown(status="leaver") == {leaver.username}
    assert shown(position="sotsiaal") == {flagged.username}
    assert shown(needs_review="true") == {flagged.username}


def test_account_page_shows_current_and_past_assignments_requests_and_violations(
    auditor: Any, client_for: Any
) -> None:
    account = AccountFactory()
    current = AssignmentFactory(account=account, profile=ProfileFactory(code="NOW"))
    past = AssignmentFactory(
        account=account,
        profile=ProfileFactory(code="BEFORE"),
        valid_from=TODAY - dt.timedelta(days=100),
        valid_to=TODAY - dt.timedelta(days=10),
        status=AssignmentStatus.ENDED,
    )
    page = (
        client_for(auditor).get(reverse("access:people_account_detail", args=[account.pk])).content.decode()
    )
    current_part, past_part = page.split('id="assignments-current"')[1].split('id="assignments-past"')
    assert (
        f'data-assignment="{current.pk}"' in current_part
        and f'data-assignment="{past.pk}"' not in current_part
    )
    assert f'data-assignment="{past.pk}"' in past_part.split('id="account-requests"')[0]
    assert 'id="account-violations"' in page
    assert 'id="account-edit"' not in page and 'id="review-keep-' not in page


def test_leave_form_ends_assignments_on_the_day(domain_support: Any, client_for: Any) -> None:
    assignment = AssignmentFactory()
    account = assignment.account
    url = reverse("access:people_account_leave", args=[account.pk])
    with no_audit_event():
        response = client_for(domain_support).post(url, {"left_on": ""})
    assert 'data-field="left_on"' in response.content.decode()
    response = client_for(domain_support).post(
        url, {"left_on": TODAY.isoformat(), "reason": "contract ended"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.valid_to == TODAY and assignment.status == AssignmentStatus.ENDED


# --- review of flagged assignments -----------------------------------------------------------


def test_review_keep_clears_the_flag_once_and_end_ends_it(domain_support: Any, client_for: Any) -> None:
    keep = AssignmentFactory(needs_review=True)
    end = AssignmentFactory(account=keep.account, needs_review=True)
    client = client_for(domain_support)
    page = client.get(reverse("access:people_account_detail", args=[keep.account_id])).content.decode()
    assert f'id="review-keep-{keep.pk}"' in page

    with exactly_one_audit_event("access.assignment_reviewed") as events:
        client.post(reverse("access:assignments_review", args=[keep.pk]), {"action": "keep"})
    assert events[0].before["needs_review"] is True and events[0].after["needs_review"] is False
    keep.refresh_from_db()
    assert keep.needs_review is False and keep.status == AssignmentStatus.ACTIVE
    with no_audit_event():
        client.post(reverse("access:assignments_review", args=[keep.pk]), {"action": "keep"})

    with exactly_one_audit_event("access.assignment_ended"):
        client.post(reverse("access:assignments_review", args=[end.pk]), {"action": "end"})
    end.refresh_from_db()
    assert end.status == AssignmentStatus.ENDED and end.valid_to == TODAY and end.needs_review is False


def test_auditor_cannot_review(auditor: Any, client_for: Any) -> None:
    flagged = AssignmentFactory(needs_review=True)
    with no_audit_event():
        response = client_for(auditor).post(
            reverse("access:assignments_review", args=[flagged.pk]), {"action": "keep"}
        )
    assert response.status_code == 403
    flagged.refresh_from_db()
    assert flagged.needs_review is True


# --- API -------------------------------------------------------------------------------------


def test_accounts_api_lists_and_shows_one_with_assignments(auditor: Any, client_for: Any) -> None:
    assignment = AssignmentFactory()
    client = client_for(auditor)
    body = client.get("/api/v1/access/accounts", {"q": assignment.account.username}).json()
    assert [a["username"] for a in body["items"]] == [assignment.account.username]
    one = client.get(f"/api/v1/access/accounts/{assignment.account.username}").json()
    assert [a["id"] for a in one["assignments"]] == [assignment.pk]
    assert client.get("/api/v1/access/accounts/nobody").status_code == 404
