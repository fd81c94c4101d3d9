"""Access requests with staged approval: manager, profile owner, security for sensitive rights."""

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
from tests.helpers import no_audit_event
from tugi.access.explain import explain
from tugi.access.models import (
    AccessRequest,
    Approval,
    Assignment,
    RequestStatus,
    Sensitivity,
    SodException,
)
from tugi.access.services import requests as svc
from tugi.core.models import AuditEvent, Notification
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    """A requester (domain support), an account whose manager signs in to Tugi, a profile owner,
    a security officer and the account holder's own Tugi user."""
    manager_user = make_user(Role.TEST_MANAGER, username="juhataja")
    owner = make_user(Role.DOMAIN_SUPPORT, username="omanik")
    holder_user = make_user(Role.FINANCE, username="hoidja")
    manager = AccountFactory(username="juhataja", user=manager_user)
    account = AccountFactory(username="mari", manager=manager, user=holder_user)
    right = RightFactory(code="PENSION_VIEW")
    profile = ProfileFactory(code="PENSION_CLERK", owner=owner, content__rights=[right])
    return {
        "requester": make_user(Role.DOMAIN_SUPPORT, username="taotleja"),
        "manager": manager_user,
        "owner": owner,
        "security": make_user(Role.SECURITY, username="turve"),
        "holder": holder_user,
        "account": account,
        "profile": profile,
        "right": right,
    }


def make_request(p: dict[str, Any], **kwargs: Any) -> AccessRequest:
    values = {
        "account": p["account"],
        "profile": p["profile"],
        "valid_from": TODAY,
        "valid_to": None,
        "justification": "new pension clerk",
        "actor": p["requester"],
    }
    values.update(kwargs)
    return svc.request_create(**values)


def access_events(before: set[int]) -> list[AuditEvent]:
    """The access area's audit events written since ``before`` (notifications are the kernel's)."""
    return list(
        AuditEvent.objects.exclude(pk__in=before).filter(event_type__startswith="access.").order_by("pk")
    )


def seen() -> set[int]:
    return set(AuditEvent.objects.values_list("pk", flat=True))


# --- creating a request ----------------------------------------------------------------------


def test_request_waits_for_the_manager_who_is_told_in_tugi(people: dict[str, Any]) -> None:
    before = seen()
    request = make_request(people)
    assert request.status == RequestStatus.PENDING_MANAGER
    assert request.needs_security is False and request.sod_result == []
    [event] = access_events(before)
    assert event.event_type == "access.request_created" and event.after["status"] == "pending_manager"
    note = Notification.objects.get(user=people["manager"])
    assert note.url == reverse("access:requests_detail", args=[request.pk])
    assert not Notification.objects.filter(user=people["owner"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"profile_status": "draft"}, "profile"),
        ({"profile_status": "deprecated"}, "profile"),
        ({"profile_status": "retired"}, "profile"),
        ({"account_status": "leaver"}, "account"),
        ({"justification": "  "}, "justification"),
        ({"valid_from": TODAY - dt.timedelta(days=1)}, "valid_from"),
        ({"valid_to": TODAY - dt.timedelta(days=1), "valid_from": TODAY}, "valid_to"),
    ],
)
def test_a_bad_request_names_the_field_and_stores_nothing(
    people: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    if "profile_status" in change:
        people["profile"].status = change.pop("profile_status")
        people["profile"].save()
    if "account_status" in change:
        people["account"].status = change.pop("account_status")
        people["account"].save()
    with no_audit_event(), pytest.raises(ValidationError) as err:
        make_request(people, **change)
    assert field in err.value.message_dict
    assert not AccessRequest.objects.exists()


def test_no_request_for_a_profile_held_or_already_requested(people: dict[str, Any]) -> None:
    AssignmentFactory(account=people["account"], profile=people["profile"], valid_to=TODAY + dt.timedelta(5))
    with pytest.raises(ValidationError) as err:
        make_request(people)
    assert "already holds" in err.value.message_dict["profile"][0]
    # after the held assignment ends, a request for the time after it is fine; a second one is not
    make_request(people, valid_from=TODAY + dt.timedelta(days=6))
    with no_audit_event(), pytest.raises(ValidationError) as err:
        make_request(people, valid_from=TODAY + dt.timedelta(days=30))
    assert "open request" in err.value.message_dict["profile"][0]


def test_auditor_cannot_request(people: dict[str, Any], auditor: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        make_request(people, actor=auditor)


# --- stages ----------------------------------------------------------------------------------


def test_stages_in_order_and_the_final_approval_grants(people: dict[str, Any]) -> None:
    request = make_request(people)
    assert explain(people["account"], people["right"], TODAY)["granted"] is False
    # the owner cannot decide before the manager
    with no_audit_event(), pytest.raises(PermissionDenied) as err:
        svc.request_decide(request=request, decision="approved", actor=people["owner"])
    assert "manager" in str(err.value)

    before = seen()
    request = svc.request_decide(request=request, decision="approved", comment="ok", actor=people["manager"])
    assert request.status == RequestStatus.PENDING_OWNER
    [event] = access_events(before)
    assert event.event_type == "access.request_decided"
    assert event.before["status"] == "pending_manager" and event.after["status"] == "pending_owner"
    assert event.after["approval"] == {"stage": "manager", "decision": "approved", "comment": "ok"}
    assert Notification.objects.filter(user=people["owner"]).count() == 1

    with pytest.raises(PermissionDenied):  # the manager again, now at the owner's stage
        svc.request_decide(request=request, decision="approved", actor=people["manager"])

    before = seen()
    request = svc.request_decide(request=request, decision="approved", actor=people["owner"])
    assert request.status == RequestStatus.APPROVED
    assignment = request.assignment
    assert assignment is not None
    assert (assignment.requested_by, assignment.approved_by) == (people["requester"], people["owner"])
    assert [e.event_type for e in access_events(before)] == [
        "access.assignment_created",
        "access.request_decided",
    ]
    assert explain(people["account"], people["right"], TODAY)["granted"] is True
    assert list(Approval.objects.filter(request=request).values_list("stage", "approver__username")) == [
        ("manager", "juhataja"),
        ("owner", "omanik"),
    ]
    assert Notification.objects.filter(user=people["requester"], subject__contains="approved").exists()


def test_security_stage_only_for_a_profile_with_a_sensitive_right(people: dict[str, Any]) -> None:
    payments = RightFactory(code="PAY_APPROVE", sensitivity=Sensitivity.PAYMENTS)
    inner = ProfileFactory(code="PAYMENTS", content__rights=[payments])
    sensitive = ProfileFactory(code="FINANCE_CLERK", owner=people["owner"], content__includes=[inner])
    plain = make_request(people)
    risky = make_request(people, profile=sensitive)
    assert plain.needs_security is False and risky.needs_security is True

    for request in (plain, risky):
        svc.request_decide(request=request, decision="approved", actor=people["manager"])
        request.refresh_from_db()
        svc.request_decide(request=request, decision="approved", actor=people["owner"])
        request.refresh_from_db()
    assert plain.status == RequestStatus.APPROVED
    assert risky.status == RequestStatus.PENDING_SECURITY and risky.assignment is None
    with pytest.raises(PermissionDenied):  # domain support is not security
        svc.request_decide(request=risky, decision="approved", actor=people["requester"])
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=risky, decision="approved", actor=people["owner"])
    risky = svc.request_decide(request=risky, decision="approved", actor=people["security"])
    assert risky.status == RequestStatus.APPROVED and risky.assignment is not None


def test_the_requester_never_approves_at_any_stage(people: dict[str, Any], make_user: Any) -> None:
    """The requester is the manager, the owner and a security officer too: every stage passes to
    someone else, and the requester's own attempt is refused at each of them."""
    boss = make_user(Role.DOMAIN_SUPPORT, Role.SECURITY, username="boss")
    people["account"].manager.user = boss
    people["account"].manager.save()
    payments = RightFactory(sensitivity=Sensitivity.PAYMENTS)
    profile = ProfileFactory(owner=boss, content__rights=[payments])
    request = make_request(people, profile=profile, actor=boss)
    colleague = people["owner"]  # another domain support user
    second = make_user(Role.DOMAIN_SUPPORT, username="teine")  # each stage is a different person
    for stage_status, decider in (
        (RequestStatus.PENDING_MANAGER, colleague),
        (RequestStatus.PENDING_OWNER, second),
        (RequestStatus.PENDING_SECURITY, people["security"]),
    ):
        request.refresh_from_db()
        assert request.status == stage_status
        with no_audit_event(), pytest.raises(PermissionDenied) as err:
            svc.request_decide(request=request, decision="approved", actor=boss)
        assert "someone else" in str(err.value)
        svc.request_decide(request=request, decision="approved", actor=decider)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_one_person_never_approves_two_stages(people: dict[str, Any], make_user: Any) -> None:
    """A domain support user who decided the manager stage as the fallback cannot also approve
    as the fallback of the owner stage: each stage is someone else's check."""
    people["account"].manager = None
    people["account"].save()
    fallback = make_user(Role.DOMAIN_SUPPORT, username="asendaja")
    orphan = ProfileFactory(owner=fallback, content__rights=[RightFactory()])
    request = make_request(people, profile=orphan)
    svc.request_decide(request=request, decision="approved", actor=fallback)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_OWNER
    with no_audit_event(), pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="approved", actor=fallback)


def test_the_account_holder_never_decides_their_own_request(people: dict[str, Any]) -> None:
    holder = people["holder"]
    holder.groups.add(*people["manager"].groups.all())  # may approve in general
    request = make_request(people)
    with no_audit_event(), pytest.raises(PermissionDenied) as err:
        svc.request_decide(request=request, decision="approved", actor=holder)
    assert "for you" in str(err.value)
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="rejected", comment="no", actor=holder)


def test_a_wrong_approver_is_refused_with_who_decides(people: dict[str, Any], make_user: Any) -> None:
    stranger = make_user(Role.TEST_MANAGER, username="vooras")
    request = make_request(people)
    with no_audit_event(), pytest.raises(PermissionDenied) as err:
        svc.request_decide(request=request, decision="approved", actor=stranger)
    assert people["manager"].get_full_name() in str(err.value)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_MANAGER


def test_without_a_manager_in_tugi_domain_support_decides_the_first_stage(
    people: dict[str, Any], make_user: Any
) -> None:
    people["account"].manager = None
    people["account"].save()
    request = make_request(people)
    tm = make_user(Role.TEST_MANAGER, username="tm2")
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="approved", actor=tm)
    request = svc.request_decide(request=request, decision="approved", actor=people["owner"])
    assert request.status == RequestStatus.PENDING_OWNER


def test_reject_needs_a_comment_and_ends_the_request(people: dict[str, Any]) -> None:
    request = make_request(people)
    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.request_decide(request=request, decision="rejected", actor=people["manager"])
    assert "comment" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        svc.request_decide(request=request, decision="maybe", actor=people["manager"])
    assert "decision" in err.value.message_dict
    request = svc.request_decide(
        request=request, decision="rejected", comment="not in her job", actor=people["manager"]
    )
    assert request.status == RequestStatus.REJECTED
    with pytest.raises(ValidationError):
        svc.request_decide(request=request, decision="approved", actor=people["owner"])
    assert not Assignment.objects.exists()


def test_auditor_cannot_decide(people: dict[str, Any], auditor: Any) -> None:
    request = make_request(people)
    with no_audit_event(), pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="approved", actor=auditor)


# --- segregation of duties -------------------------------------------------------------------


def test_sod_conflict_blocks_approval_without_an_exception_not_with_one(
    people: dict[str, Any], client_for: Any
) -> None:
    create = RightFactory(code="PAY_CREATE")
    approve = RightFactory(code="PAY_APPROVE")
    AssignmentFactory(account=people["account"], profile=ProfileFactory(content__rights=[create]))
    approver_profile = ProfileFactory(code="PAY_APPROVER", owner=people["owner"], content__rights=[approve])
    policy = SodPolicyFactory(code="pay-create-approve", sides__rights_a=[create], sides__rights_b=[approve])
    request = make_request(people, profile=approver_profile)
    assert [c["policy"] for c in request.sod_result] == ["pay-create-approve"]
    assert request.sod_result[0]["exception"] is None

    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.request_decide(request=request, decision="approved", actor=people["manager"])
    assert "exception" in err.value.message_dict["decision"][0]
    url = reverse("access:requests_detail", args=[request.pk])
    page = client_for(people["manager"]).get(url).content.decode()
    assert 'data-policy="pay-create-approve"' in page and 'data-exception="no"' in page
    # rejecting is always possible, but here security grants an exception instead
    SodException.objects.create(
        policy=policy,
        account=people["account"],
        justification="small unit, two people only",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=90),
        approved_by=people["security"],
    )
    assert 'data-exception="yes"' in client_for(people["manager"]).get(url).content.decode()
    request = svc.request_decide(request=request, decision="approved", actor=people["manager"])
    assert request.status == RequestStatus.PENDING_OWNER
    assert request.sod_result[0]["exception"] is not None  # re-checked and stored at decision time
    request = svc.request_decide(request=request, decision="approved", actor=people["owner"])
    assert request.status == RequestStatus.APPROVED


def test_rejecting_a_conflicting_request_is_possible(people: dict[str, Any]) -> None:
    a, b = RightFactory(), RightFactory()
    AssignmentFactory(account=people["account"], profile=ProfileFactory(content__rights=[a]))
    SodPolicyFactory(sides__rights_a=[a], sides__rights_b=[b])
    request = make_request(people, profile=ProfileFactory(owner=people["owner"], content__rights=[b]))
    request = svc.request_decide(request=request, decision="rejected", comment="SoD", actor=people["manager"])
    assert request.status == RequestStatus.REJECTED


# --- cancel ----------------------------------------------------------------------------------


def test_only_the_requester_cancels_an_open_request(people: dict[str, Any]) -> None:
    request = make_request(people)
    with no_audit_event(), pytest.raises(PermissionDenied):
        svc.request_cancel(request=request, actor=people["owner"])
    before = seen()
    request = svc.request_cancel(request=request, actor=people["requester"], reason="wrong profile")
    [event] = access_events(before)
    assert event.event_type == "access.request_cancelled"
    assert (event.before["status"], event.after["status"]) == ("pending_manager", "cancelled")
    with pytest.raises(ValidationError):
        svc.request_cancel(request=request, actor=people["requester"])
    with pytest.raises(ValidationError):
        svc.request_decide(request=request, decision="approved", actor=people["manager"])


# --- pages -----------------------------------------------------------------------------------


def test_detail_page_shows_sod_result_stages_and_buttons_only_to_the_decider(
    people: dict[str, Any], client_for: Any
) -> None:
    request = make_request(people)
    url = reverse("access:requests_detail", args=[request.pk])
    page = client_for(people["requester"]).get(url).content.decode()
    assert 'id="request-sod-ok"' in page
    assert 'data-stage="manager" data-state="waiting"' in page
    assert 'id="request-approve"' not in page and 'id="request-cancel"' in page
    page = client_for(people["manager"]).get(url).content.decode()
    assert 'id="request-approve"' in page

    response = client_for(people["manager"]).post(url, {"decision": "approved", "comment": "fine"})
    assert response.status_code == 302
    page = client_for(people["owner"]).get(url).content.decode()
    assert 'data-stage="manager" data-state="approved"' in page
    assert 'data-approver="juhataja"' in page
    assert 'data-stage="owner" data-state="waiting"' in page


def test_detail_page_shows_a_refusal_on_the_form(people: dict[str, Any], client_for: Any) -> None:
    request = make_request(people)
    url = reverse("access:requests_detail", args=[request.pk])
    response = client_for(people["owner"]).post(url, {"decision": "approved"})
    assert response.status_code == 200
    assert 'id="decide-errors"' in response.content.decode()
    response = client_for(people["manager"]).post(url, {"decision": "rejected", "comment": ""})
    assert 'data-field="comment"' in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_MANAGER


def test_request_form_creates_and_refuses_bad_input(people: dict[str, Any], client_for: Any) -> None:
    client = client_for(people["requester"])
    data = {
        "account": people["account"].pk,
        "profile": people["profile"].pk,
        "valid_from": TODAY.isoformat(),
        "justification": "",
    }
    with no_audit_event():
        response = client.post(reverse("access:requests_create"), data)
    assert response.status_code == 200 and 'data-field="justification"' in response.content.decode()
    data["justification"] = "needs to see pensions"
    response = client.post(reverse("access:requests_create"), data)
    request = AccessRequest.objects.get()
    assert response["Location"] == reverse("access:requests_detail", args=[request.pk])


def test_my_approvals_and_desk_show_what_waits_for_me(people: dict[str, Any], client_for: Any) -> None:
    request = make_request(people)
    manager = client_for(people["manager"])
    page = manager.get(reverse("access:requests_mine")).content.decode()
    assert f'data-request="{request.pk}"' in page.split('id="requests-decided"')[0]
    desk = manager.get(reverse("core:desk")).content.decode()
    assert 'data-widget="access-requests-waiting"' in desk and f'data-request="{request.pk}"' in desk
    owner_desk = client_for(people["owner"]).get(reverse("core:desk")).content.decode()
    assert f'data-request="{request.pk}"' not in owner_desk


def test_request_list_filters_and_exports(people: dict[str, Any], auditor: Any, client_for: Any) -> None:
    make_request(people)
    other = make_request(people, profile=ProfileFactory(owner=people["owner"]))
    svc.request_cancel(request=other, actor=people["requester"])
    client = client_for(auditor)
    page = client.get(reverse("access:requests_list"), {"status": "cancelled"}).content.decode()
    assert page.count("data-request=") == 1 and f'data-request="{other.pk}"' in page
    response = client.get(reverse("access:requests_list"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3


def test_auditor_reads_requests_but_cannot_decide_or_create(
    people: dict[str, Any], auditor: Any, client_for: Any
) -> None:
    request = make_request(people)
    client = client_for(auditor)
    url = reverse("access:requests_detail", args=[request.pk])
    assert client.get(url).status_code == 200
    count = AuditEvent.objects.count()
    assert client.post(url, {"decision": "approved"}).status_code == 403
    assert client.get(reverse("access:requests_create")).status_code == 403
    assert AuditEvent.objects.count() == count


def test_a_user_without_access_role_gets_404_for_a_request(
    people: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    request = make_request(people)
    client = client_for(make_user())
    assert client.get(reverse("access:requests_detail", args=[request.pk])).status_code == 404
    assert client.get(reverse("access:requests_list")).status_code == 403


def test_request_list_and_my_approvals_queries_do_not_grow(people: dict[str, Any], client_for: Any) -> None:
    from tests.helpers import assert_queries_do_not_grow

    make_request(people)
    client = client_for(people["manager"])
    client.get(reverse("access:requests_list"))
    profiles = iter(ProfileFactory(owner=people["owner"]) for _ in range(100))

    def more() -> None:
        for _ in range(3):
            make_request(people, profile=next(profiles))

    assert_queries_do_not_grow(more, lambda: client.get(reverse("access:requests_list")))
    assert_queries_do_not_grow(more, lambda: client.get(reverse("access:requests_mine")))
