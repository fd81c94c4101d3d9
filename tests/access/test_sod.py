"""Segregation of duties: policies, exceptions (justified, time-limited, security only), the scan
and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
)
from tests.base import ViewContract
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.models import EmploymentStatus, SodException, SodPolicy, SodViolation
from tugi.access.services import sod as svc
from tugi.core.models import AuditEvent, Job, JobStatus
from tugi.core.registry import registry
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def security(make_user: Any) -> Any:
    return make_user(Role.SECURITY, username="turve")


@pytest.fixture
def conflict() -> dict[str, Any]:
    """An account holding both sides of a policy."""
    create, approve = RightFactory(code="PAY_CREATE"), RightFactory(code="PAY_APPROVE")
    account = AccountFactory(username="mari")
    AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[create]))
    AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[approve]))
    policy = SodPolicyFactory(
        code="pay", name="Create and approve", sides__rights_a=[create], sides__rights_b=[approve]
    )
    return {"account": account, "policy": policy, "create": create, "approve": approve}


# --- policies --------------------------------------------------------------------------------


def test_policy_create_keeps_sides_in_one_event(domain_support: Any) -> None:
    a, b = RightFactory(), RightFactory()
    profile = ProfileFactory()
    with exactly_one_audit_event("access.sod_policy_created") as events:
        policy = svc.sod_policy_create(
            code="pay-split",
            name="Payment split",
            rights_a=[a],
            rights_b=[b],
            profiles_b=[profile],
            actor=domain_support,
        )
    assert list(policy.profiles_b.all()) == [profile]
    assert events[0].after["rights_a"] == [a.pk] and events[0].after["profiles_b"] == [profile.pk]

    with exactly_one_audit_event("access.sod_policy_updated") as events:
        svc.sod_policy_update(policy=policy, profiles_b=[], name="Payments split", actor=domain_support)
    assert events[0].before["profiles_b"] == [profile.pk] and events[0].after["profiles_b"] == []
    assert events[0].after["rights_b"] == [b.pk]
    with no_audit_event():
        svc.sod_policy_update(policy=policy, name="Payments split", actor=domain_support)


@pytest.mark.parametrize(
    ("sides", "field"),
    [
        ({"rights_b": ["b"]}, "rights_a"),
        ({"rights_a": ["a"]}, "rights_b"),
        ({"rights_a": ["a"], "rights_b": ["a"]}, "rights_b"),
    ],
)
def test_policy_needs_two_different_non_empty_sides(
    domain_support: Any, sides: dict[str, list[str]], field: str
) -> None:
    rights = {"a": RightFactory(), "b": RightFactory()}
    values = {k: [rights[x] for x in v] for k, v in sides.items()}
    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.sod_policy_create(code="p", name="P", actor=domain_support, **values)
    assert field in err.value.message_dict
    assert not SodPolicy.objects.exists()


def test_policy_update_cannot_empty_a_side(domain_support: Any, conflict: dict[str, Any]) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.sod_policy_update(policy=conflict["policy"], rights_a=[], actor=domain_support)
    assert "rights_a" in err.value.message_dict


def test_policy_by_profiles_is_broken_by_holding_both(domain_support: Any, system: Any) -> None:
    p1, p2 = ProfileFactory(), ProfileFactory()
    account = AccountFactory()
    AssignmentFactory(account=account, profile=p1)
    AssignmentFactory(account=account, profile=p2)
    svc.sod_policy_create(
        code="pp", name="Two profiles", profiles_a=[p1], profiles_b=[p2], actor=domain_support
    )
    assert svc.sod_scan(actor=system)["found"] == 1


class TestPolicyViews(ViewContract):
    list_url = "access:sod_policy_list"
    create_url = "access:sod_policy_create"
    editor_role = Role.SECURITY
    viewer_role = None
    create_event = "access.sod_policy_created"
    update_event = "access.sod_policy_updated"

    def make(self) -> Any:
        return SodPolicyFactory(sides__rights_a=[RightFactory()], sides__rights_b=[RightFactory()])

    def detail_url(self, obj: Any) -> str:
        return reverse("access:sod_policy_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "code": "create-approve",
            "name": "Create and approve a payment",
            "rights_a": [RightFactory().pk],
            "rights_b": [RightFactory().pk],
            "active": "on",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["rights_b"] = []
        return data, "rights_b"

    def created(self, data: dict[str, Any]) -> Any:
        return SodPolicy.objects.filter(code=data["code"])

    def edit_url(self, obj: Any) -> str:
        return reverse("access:sod_policy_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "code": obj.code,
            "name": "Renamed",
            "rights_a": [r.pk for r in obj.rights_a.all()],
            "rights_b": [r.pk for r in obj.rights_b.all()],
            "active": "on",
        }


# --- exceptions ------------------------------------------------------------------------------


def grant(policy: Any, account: Any, actor: Any, **changes: Any) -> SodException:
    values = {"justification": "two-person unit", "valid_to": TODAY + dt.timedelta(days=90)}
    values.update(changes)
    return svc.sod_exception_grant(policy=policy, account=account, actor=actor, **values)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"justification": " "}, "justification"),
        ({"valid_to": None}, "valid_to"),
        ({"valid_to": TODAY - dt.timedelta(days=1)}, "valid_to"),
        ({"valid_to": TODAY + dt.timedelta(days=366)}, "valid_to"),
    ],
)
def test_exception_needs_justification_and_expiry_within_a_year(
    security: Any, conflict: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        grant(conflict["policy"], conflict["account"], security, **changes)
    assert field in err.value.message_dict
    assert not SodException.objects.exists()


def test_only_security_or_admin_grants_an_exception(
    security: Any, admin_user: Any, domain_support: Any, auditor: Any, conflict: dict[str, Any]
) -> None:
    for user in (domain_support, auditor):
        with no_audit_event(), pytest.raises(PermissionDenied):
            grant(conflict["policy"], conflict["account"], user)
    with exactly_one_audit_event("access.sod_exception_granted") as events:
        exception = grant(conflict["policy"], conflict["account"], security)
    assert events[0].after["valid_to"] == (TODAY + dt.timedelta(days=90)).isoformat()
    assert exception.approved_by == security and exception.valid_from == TODAY
    grant(conflict["policy"], conflict["account"], admin_user, valid_to=TODAY + dt.timedelta(days=365))


def test_no_exception_for_oneself(security: Any, conflict: dict[str, Any]) -> None:
    conflict["account"].user = security
    conflict["account"].save()
    with pytest.raises(ValidationError) as err:
        grant(conflict["policy"], conflict["account"], security)
    assert "account" in err.value.message_dict


def test_an_exception_resolves_the_open_violation(
    security: Any, system: Any, conflict: dict[str, Any]
) -> None:
    svc.sod_scan(actor=system)
    violation = SodViolation.objects.get()
    assert violation.resolved_at is None
    grant(conflict["policy"], conflict["account"], security)
    violation.refresh_from_db()
    assert violation.resolved_at is not None


# --- the scan --------------------------------------------------------------------------------


def test_scan_opens_and_resolves_violations_and_skips_leavers(system: Any, conflict: dict[str, Any]) -> None:
    leaver = AccountFactory(status=EmploymentStatus.LEAVER, left_on=TODAY - dt.timedelta(days=1))
    AssignmentFactory(
        account=leaver, profile=ProfileFactory(content__rights=[conflict["create"], conflict["approve"]])
    )
    result = svc.sod_scan(actor=system)
    assert result["found"] == 1 and result["open"] == 1
    violation = SodViolation.objects.get()
    assert violation.account == conflict["account"]
    assert violation.details["side_a"] == ["SKAIS:PAY_CREATE"]
    assert svc.sod_scan(actor=system)["found"] == 0  # no duplicate
    # the approving assignment ends: the next scan resolves the violation
    for assignment in conflict["account"].assignments.all():
        assignment.valid_to = TODAY - dt.timedelta(days=1)
        assignment.save()
    assert svc.sod_scan(actor=system)["resolved"] == 1
    assert AuditEvent.objects.filter(event_type="access.sod_violation_resolved").count() == 1


def test_scan_is_daily_and_can_be_started_from_the_violations_page(
    domain_support: Any, client_for: Any, conflict: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    assert "access-sod-scan" in registry.periodic
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(domain_support).post(reverse("access:sod_scan"))
    job = Job.objects.get(kind="access-sod-scan")
    assert response["Location"] == reverse("core:job_detail", args=[job.uid])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["found"] == 1


def test_auditor_cannot_scan(auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        svc.sod_scan(actor=auditor)


# --- pages -----------------------------------------------------------------------------------


def test_violations_page_lists_open_ones_with_the_grant_action(
    security: Any, auditor: Any, system: Any, client_for: Any, conflict: dict[str, Any]
) -> None:
    svc.sod_scan(actor=system)
    violation = SodViolation.objects.get()
    page = client_for(security).get(reverse("access:sod_violation_list")).content.decode()
    assert f'id="violation-exception-{violation.pk}"' in page
    page = client_for(auditor).get(reverse("access:sod_violation_list")).content.decode()
    assert f'data-violation="{violation.pk}"' in page and "violation-exception-" not in page
    resolved = client_for(auditor).get(reverse("access:sod_violation_list"), {"state": "resolved"})
    assert f'data-violation="{violation.pk}"' not in resolved.content.decode()
    export = client_for(auditor).get(reverse("access:sod_violation_list"), {"export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "mari" in lines[1]


def test_exception_form_from_a_violation(
    security: Any, system: Any, client_for: Any, conflict: dict[str, Any]
) -> None:
    svc.sod_scan(actor=system)
    violation = SodViolation.objects.get()
    client = client_for(security)
    url = reverse("access:sod_exception_create")
    page = client.get(url, {"violation": violation.pk}).content.decode()
    assert f'value="{conflict["policy"].pk}" selected' in page
    data = {"policy": conflict["policy"].pk, "account": conflict["account"].pk, "justification": "x"}
    with no_audit_event():
        response = client.post(url, {**data, "valid_to": (TODAY + dt.timedelta(days=400)).isoformat()})
    assert 'data-field="valid_to"' in response.content.decode()
    response = client.post(url, {**data, "valid_to": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    page = client.get(reverse("access:sod_exception_list"), {"valid_today": "true"}).content.decode()
    assert "x" in page and conflict["account"].username in page


def test_domain_support_sees_no_exception_form(domain_support: Any, client_for: Any) -> None:
    # domain support may record exceptions by model permission, but the rule leaves it to security
    response = client_for(domain_support).post(
        reverse("access:sod_exception_create"),
        {
            "policy": SodPolicyFactory().pk,
            "account": AccountFactory().pk,
            "justification": "x",
            "valid_to": (TODAY + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 403
    assert not SodException.objects.exists()
