"""Access problems: the explanation kept at the moment of the report, kinds, forwarding, resolving."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SystemFactory,
)
from tests.factories import PartnerFactory
from tests.helpers import assert_queries_do_not_grow, exactly_one_audit_event, no_audit_event
from tugi.access import selectors_problems as selectors
from tugi.access.models import AccessProblem, ProblemStatus
from tugi.access.services import problems as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict[str, Any]:
    skais, star = SystemFactory(code="SKAIS"), SystemFactory(code="STAR")
    view = RightFactory(system=skais, code="PENS_VIEW", name_et="Pensionide vaatamine")
    decide = RightFactory(system=skais, code="OVERPAY_DECIDE", name_et="Enammakse otsustamine")
    base = ProfileFactory(system=skais, code="PENS_BASE", name="Pensionide vaataja", content__rights=[view])
    spec = ProfileFactory(
        system=skais, code="PENS_SPEC", name="Pensionispetsialist", content__includes=[base]
    )
    ProfileFactory(system=skais, code="OVERPAY", name="Enammaksete spetsialist", content__rights=[decide])
    account = AccountFactory(username="mari")
    AssignmentFactory(account=account, profile=spec)
    return {"skais": skais, "star": star, "view": view, "decide": decide, "account": account}


def _report(actor: Any, s: dict[str, Any], right: str = "decide", **kwargs: Any) -> AccessProblem:
    values = {
        "system": s["skais"],
        "account": s["account"],
        "right": s[right] if right else None,
        "symptom": "Ei näe enammakse otsustamise nuppu",
    }
    values.update(kwargs)
    return services.problem_report(actor=actor, **values)


def test_report_keeps_the_explanation_of_that_moment(domain_support: Any, setting: dict) -> None:
    with exactly_one_audit_event("access.problem_reported"):
        missing = _report(domain_support, setting)
    assert missing.status == ProblemStatus.NEW and missing.reported_by == domain_support
    assert missing.explain["granted"] is False
    assert [w["profile"] for w in missing.explain["would_grant"]] == ["OVERPAY"]
    assert missing.group_key == "SKAIS:OVERPAY_DECIDE:missing"

    granted = _report(domain_support, setting, right="view", symptom="Näeb pensione, kuigi ei peaks")
    assert granted.explain["granted"] is True
    [path] = granted.explain["paths"]
    assert [s.get("code") for s in path[1:]] == ["PENS_SPEC", "PENS_BASE", "PENS_VIEW"]
    assert granted.group_key == "SKAIS:PENS_VIEW:granted"


def test_the_stored_explanation_does_not_follow_later_changes(domain_support: Any, setting: dict) -> None:
    problem = _report(domain_support, setting, right="view")
    setting["account"].assignments.update(valid_to="2000-01-01")
    problem.refresh_from_db()
    assert problem.explain["granted"] is True


def test_report_without_a_right_or_an_account(domain_support: Any, setting: dict) -> None:
    general = _report(domain_support, setting, right="", symptom="SKAIS ei avane")
    assert general.group_key == "SKAIS:general"
    assert general.explain["profiles"] == ["PENS_SPEC"] and general.explain["granted"] is None
    nobody = _report(domain_support, setting, account=None)
    assert nobody.explain == {} and nobody.group_key == "SKAIS:OVERPAY_DECIDE:unknown"


@pytest.mark.parametrize(
    ("values", "field"),
    [({"symptom": "  "}, "symptom"), ({"system": None}, "system"), ({"system": "star"}, "right")],
)
def test_bad_reports_are_refused_naming_the_field(
    domain_support: Any, setting: dict, values: dict, field: str
) -> None:
    values = {k: setting[v] if v == "star" else v for k, v in values.items()}
    with no_audit_event(), pytest.raises(ValidationError) as err:
        _report(domain_support, setting, **values)
    assert field in err.value.message_dict
    assert not AccessProblem.objects.exists()


def test_who_may_report_and_who_may_work_on_problems(
    test_manager: Any, auditor: Any, domain_support: Any, setting: dict
) -> None:
    problem = _report(test_manager, setting)  # anyone who meets a problem reports it
    with no_audit_event():
        with pytest.raises(PermissionDenied):
            _report(auditor, setting)
        with pytest.raises(PermissionDenied):
            services.problem_update(problem=problem, status="investigating", actor=test_manager)
        with pytest.raises(PermissionDenied):
            services.problem_forward(problem=problem, partner=PartnerFactory(), actor=auditor)


def test_forward_sets_the_partner_their_reference_and_the_status(domain_support: Any, setting: dict) -> None:
    problem = _report(domain_support, setting)
    tehik = PartnerFactory(name="TEHIK")
    with exactly_one_audit_event("access.problem_forwarded") as events:
        services.problem_forward(problem=problem, partner=tehik, reference="SD-4711", actor=domain_support)
    problem.refresh_from_db()
    assert (problem.partner, problem.partner_reference, problem.status) == (tehik, "SD-4711", "forwarded")
    assert events[0].before["status"] == "new" and events[0].after["partner"] == tehik.pk


def test_forward_refuses_no_partner_an_inactive_one_and_a_resolved_problem(
    domain_support: Any, setting: dict
) -> None:
    problem = _report(domain_support, setting)
    for partner in (None, PartnerFactory(active=False)):
        with no_audit_event(), pytest.raises(ValidationError) as err:
            services.problem_forward(problem=problem, partner=partner, actor=domain_support)
        assert "partner" in err.value.message_dict
    services.problem_update(
        problem=problem, status="resolved", resolution="Õigus lisatud", actor=domain_support
    )
    with no_audit_event(), pytest.raises(ValidationError):
        services.problem_forward(problem=problem, partner=PartnerFactory(), actor=domain_support)


def test_resolving_needs_a_resolution(domain_support: Any, setting: dict) -> None:
    problem = _report(domain_support, setting)
    with no_audit_event(), pytest.raises(ValidationError) as err:
        services.problem_update(problem=problem, status="resolved", resolution=" ", actor=domain_support)
    assert "resolution" in err.value.message_dict
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.NEW and problem.resolved_at is None

    with exactly_one_audit_event("access.problem_updated") as events:
        services.problem_update(
            problem=problem, status="resolved", resolution="Lisatud profiil OVERPAY", actor=domain_support
        )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED and problem.resolved_at is not None
    assert events[0].before["status"] == "new" and events[0].after["resolution"] == "Lisatud profiil OVERPAY"

    services.problem_update(problem=problem, status="investigating", actor=domain_support)
    problem.refresh_from_db()
    assert problem.resolved_at is None  # reopened


def test_forwarded_is_reached_by_forwarding(domain_support: Any, setting: dict) -> None:
    problem = _report(domain_support, setting)
    with no_audit_event(), pytest.raises(ValidationError) as err:
        services.problem_update(problem=problem, status="forwarded", actor=domain_support)
    assert "status" in err.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError):
        services.problem_update(problem=problem, status="closed", actor=domain_support)


def test_recurring_problems_group_by_kind(domain_support: Any, setting: dict) -> None:
    first = _report(domain_support, setting)
    _report(domain_support, setting, symptom="Jälle ei saa enammakset otsustada")
    _report(domain_support, setting, account=AccountFactory(), symptom="Ka kolleegil sama")
    _report(domain_support, setting, right="view")
    services.problem_update(
        problem=first, status="resolved", resolution="Profiil lisatud", actor=domain_support
    )
    groups = {g["group_key"]: g for g in selectors.recurring(user=domain_support)}
    assert set(groups) == {"SKAIS:OVERPAY_DECIDE:missing", "SKAIS:PENS_VIEW:granted"}
    missing = groups["SKAIS:OVERPAY_DECIDE:missing"]
    assert (missing["total"], missing["open"], missing["resolved"]) == (3, 2, 1)
    assert next(iter(groups)) == "SKAIS:OVERPAY_DECIDE:missing"  # the most frequent first


# --- pages --------------------------------------------------------------------------------------


def test_anonymous_no_role_and_auditor(
    setting: dict, domain_support: Any, make_user: Any, client_for: Any, auditor: Any, client: Any
) -> None:
    problem = _report(domain_support, setting)
    assert client.get(reverse("access:problem_list")).status_code == 302
    nobody = client_for(make_user())
    assert nobody.get(reverse("access:problem_list")).status_code == 403
    assert nobody.get(reverse("access:problem_detail", args=[problem.pk])).status_code == 404
    reader = client_for(auditor)
    assert reader.get(reverse("access:problem_list")).status_code == 200
    assert reader.get(reverse("access:problem_recurring")).status_code == 200
    page = reader.get(reverse("access:problem_detail", args=[problem.pk]))
    assert page.status_code == 200 and b'id="problem-edit"' not in page.content
    with no_audit_event():
        assert (
            reader.post(
                reverse("access:problem_create"), {"system": setting["skais"].pk, "symptom": "x"}
            ).status_code
            == 403
        )
        assert (
            reader.post(
                reverse("access:problem_update", args=[problem.pk]), {"status": "resolved", "resolution": "x"}
            ).status_code
            == 403
        )
        assert reader.post(reverse("access:problem_forward", args=[problem.pk]), {}).status_code == 403


def test_report_form_looks_up_the_account_and_the_right(
    setting: dict, test_manager: Any, client_for: Any
) -> None:
    client = client_for(test_manager)
    url = reverse("access:problem_create")
    data = {"system": setting["skais"].pk, "account": "nobody", "right": "NOPE", "symptom": "Ei saa"}
    with no_audit_event():
        response = client.post(url, data)
    errors = response.context["form"].errors
    assert response.status_code == 200 and "account" in errors and "right" in errors
    assert 'data-field="account"' in response.content.decode()
    data.update(account="mari", right="OVERPAY_DECIDE")
    with exactly_one_audit_event("access.problem_reported"):
        response = client.post(url, data)
    problem = AccessProblem.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/problems/{problem.pk}/")
    assert problem.account == setting["account"] and problem.right == setting["decide"]
    prefilled = client.get(url, {"system": "SKAIS", "account": "mari", "right": "PENS_VIEW"})
    assert prefilled.context["form"].initial == {
        "account": "mari",
        "right": "PENS_VIEW",
        "system": str(setting["skais"].pk),
    }


def test_detail_renders_the_stored_explanation(setting: dict, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    granted = _report(domain_support, setting, right="view")
    html = client.get(reverse("access:problem_detail", args=[granted.pk])).content.decode()
    assert 'data-granted="yes"' in html
    assert 'data-profile="PENS_SPEC"' in html and 'data-profile="PENS_BASE"' in html
    assert "Pensionispetsialist" in html
    missing = _report(domain_support, setting)
    html = client.get(reverse("access:problem_detail", args=[missing.pk])).content.decode()
    assert 'data-granted="no"' in html and 'id="problem-would-grant"' in html
    assert 'data-profile="OVERPAY"' in html


def test_work_on_and_forward_through_the_forms(setting: dict, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    problem = _report(domain_support, setting)
    tehik = PartnerFactory(name="Tervise ja Heaolu Infosüsteemide Keskus", short_name="TEHIK")
    PartnerFactory(name="Vana partner", active=False)
    forward = reverse("access:problem_forward", args=[problem.pk])
    form = client.get(forward).context["form"]
    assert list(form.fields["partner"].queryset) == [tehik]
    with no_audit_event():
        response = client.post(forward, {"reference": "SD-1"})
    assert "partner" in response.context["form"].errors
    with exactly_one_audit_event("access.problem_forwarded"):
        response = client.post(forward, {"partner": tehik.pk, "reference": "SD-1"})
    assert response.status_code == 302

    edit = reverse("access:problem_update", args=[problem.pk])
    with no_audit_event():
        response = client.post(edit, {"status": "resolved", "resolution": ""})
    assert 'data-field="resolution"' in response.content.decode()
    with exactly_one_audit_event("access.problem_updated"):
        client.post(edit, {"status": "resolved", "resolution": "TEHIK parandas rolli"})
    html = client.get(reverse("access:problem_detail", args=[problem.pk])).content.decode()
    assert 'data-status="resolved"' in html and "TEHIK parandas rolli" in html and "SD-1" in html
    assert 'id="problem-forward"' not in html


def test_list_filters_and_exports(setting: dict, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    a = _report(domain_support, setting)
    _report(domain_support, setting, right="view")
    star = services.problem_report(system=setting["star"], symptom="STAR aeglane", actor=domain_support)
    services.problem_update(problem=a, status="investigating", actor=domain_support)
    url = reverse("access:problem_list")

    def shown(**params: Any) -> set[int]:
        return {row.record.pk for row in client.get(url, params).context["table"].rows}

    assert len(shown()) == 3
    assert shown(status="investigating") == {a.pk}
    assert shown(system=setting["star"].pk) == {star.pk}
    assert shown(kind="SKAIS:OVERPAY_DECIDE:missing") == {a.pk}
    response = client.get(url, {"export": "csv", "system": setting["skais"].pk})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3
    recurring = client.get(reverse("access:problem_recurring"), {"export": "csv"})
    lines = b"".join(recurring.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4 and any(
        line.startswith("SKAIS:general") or "STAR:general" in line for line in lines
    )


def test_problem_list_query_count_does_not_grow(setting: dict, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    _report(domain_support, setting)
    client.get(reverse("access:problem_list"))
    assert_queries_do_not_grow(
        lambda: [_report(domain_support, setting, account=AccountFactory()) for _ in range(3)],
        lambda: client.get(reverse("access:problem_list")),
    )
