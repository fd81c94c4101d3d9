"""Pages of calculation runs: list, create, the run page with review and checklist, decisions,
exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.pensions.test_runs import CODES, import_tax
from tests.pensions.test_runs_pensions import pension
from tugi.core.roles import Role
from tugi.pensions.models import CalculationRun, RunKind, RunStatus
from tugi.pensions.services import runs as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


@pytest.fixture
def ds(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds")


@pytest.fixture
def second(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds2")


@pytest.fixture
def computed(
    tmp_path: Path, ds: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> CalculationRun:
    import_tax(tmp_path, ds, 2024, CODES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ds).post(
            reverse("pensions:run_create"), {"kind": "year-shares", "year": "2024", "compute": "on"}
        )
    assert response.status_code == 302
    run = CalculationRun.objects.get()
    assert response["Location"] == reverse("pensions:run_detail", args=[run.pk])
    assert run.status == RunStatus.COMPUTED, run.error
    return run


def test_create_form_names_the_wrong_field(ds: Any, client_for: Any) -> None:
    client = client_for(ds)
    response = client.post(reverse("pensions:run_create"), {"kind": "year-shares", "year": "1990"})
    assert response.status_code == 200
    assert "The year must be between 1999" in response.content.decode()
    response = client.post(reverse("pensions:run_create"), {"kind": "indexation", "index": "-1"})
    text = response.content.decode()
    assert "Enter the date the indexation takes effect." in text and "greater than zero" in text
    assert not CalculationRun.objects.exists()


def test_finance_sees_runs_but_cannot_create(finance_user: Any, client_for: Any) -> None:
    client = client_for(finance_user)
    assert client.get(reverse("pensions:run_list")).status_code == 200
    assert client.get(reverse("pensions:run_create")).status_code == 403


def test_run_page_shows_review_checklist_and_masked_results(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    response = client_for(second).get(reverse("pensions:run_detail", args=[computed.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="run-approve"' in text
    assert 'data-anomaly="share_above_10" data-count="1"' in text
    assert 'data-check="months" data-state="done"' in text
    assert 'data-check="average"' in text
    assert computed.results_hash in text
    assert "<svg" in text and 'data-bucket="' in text
    assert CODES[0] not in text and CODES[0][:7] + "****" in text


def test_the_creator_sees_no_approve_button(computed: CalculationRun, ds: Any, client_for: Any) -> None:
    client = client_for(ds)
    text = client.get(reverse("pensions:run_detail", args=[computed.pk])).content.decode()
    assert 'id="run-approve"' not in text and 'id="run-four-eyes"' in text
    response = client.post(reverse("pensions:run_approve", args=[computed.pk]), follow=True)
    assert "Four eyes" in response.content.decode()
    computed.refresh_from_db()
    assert computed.status == RunStatus.COMPUTED


def test_approve_and_apply_through_the_pages(computed: CalculationRun, second: Any, client_for: Any) -> None:
    client = client_for(second)
    client.post(reverse("pensions:run_approve", args=[computed.pk]), {"reason": "ok"})
    client.post(reverse("pensions:run_apply", args=[computed.pk]))
    computed.refresh_from_db()
    assert computed.status == RunStatus.APPLIED
    text = client.get(reverse("pensions:run_detail", args=[computed.pk])).content.decode()
    assert 'data-check="applied" data-state="done"' in text


def test_search_a_result_by_code_in_the_form_not_the_address(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    response = client_for(second).post(
        reverse("pensions:run_detail", args=[computed.pk]), {"personal_code": CODES[3]}
    )
    results = response.content.decode().split('id="run-results"', 1)[1]
    assert CODES[3][:7] + "****" in results and CODES[4][:7] + "****" not in results


def test_looking_up_a_known_persons_result_is_logged(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    from tests.factories import PersonFactory
    from tugi.core.models import PersonalDataView

    person = PersonFactory(personal_code=CODES[5])
    client_for(second).post(reverse("pensions:run_detail", args=[computed.pk]), {"personal_code": CODES[5]})
    view = PersonalDataView.objects.get(person=person)
    assert view.viewer == second and f"#{computed.pk}" in view.purpose


def test_exports(computed: CalculationRun, second: Any, client_for: Any) -> None:
    client = client_for(second)
    response = client.get(reverse("pensions:run_export", args=[computed.pk, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("person_code;year;pension_part") and len(lines) == 31
    response = client.get(reverse("pensions:run_export", args=[computed.pk, "xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(reverse("pensions:run_export", args=[computed.pk, "pdf"])).status_code == 404


def test_progress_fragment_reloads_when_done(computed: CalculationRun, ds: Any, client_for: Any) -> None:
    response = client_for(ds).get(reverse("pensions:run_progress", args=[computed.pk]))
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_discard_through_the_page_needs_a_reason(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    client = client_for(second)
    client.post(reverse("pensions:run_discard", args=[computed.pk]), {"reason": ""})
    computed.refresh_from_db()
    assert computed.status == RunStatus.COMPUTED
    client.post(reverse("pensions:run_discard", args=[computed.pk]), {"reason": "wrong year"})
    computed.refresh_from_db()
    assert computed.status == RunStatus.DISCARDED


def test_indexation_page_shows_the_total_check(
    ds: Any, second: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pension()
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.run_compute(run=run, actor=ds)
    text = client_for(second).get(reverse("pensions:run_detail", args=[run.pk])).content.decode()
    assert 'id="run-total-check" data-ok="true"' in text
    assert 'data-check="index"' in text


def test_desk_widget_lists_runs_waiting_for_me(
    computed: CalculationRun, second: Any, ds: Any, client_for: Any
) -> None:
    assert f'data-run="{computed.pk}"' in client_for(second).get(reverse("core:desk")).content.decode()
    assert f'data-run="{computed.pk}"' not in client_for(ds).get(reverse("core:desk")).content.decode()


def test_list_filters_and_exports(computed: CalculationRun, second: Any, client_for: Any) -> None:
    client = client_for(second)
    assert (
        f'data-run="{computed.pk}"'
        in client.get(reverse("pensions:run_list") + "?status=computed").content.decode()
    )
    assert (
        f'data-run="{computed.pk}"'
        not in client.get(reverse("pensions:run_list") + "?status=applied").content.decode()
    )
    response = client.get(reverse("pensions:run_list") + "?export=csv")
    assert response.status_code == 200


def test_a_forbidden_run_is_404(computed: CalculationRun, test_manager: Any, client_for: Any) -> None:
    assert client_for(test_manager).get(reverse("pensions:run_detail", args=[computed.pk])).status_code == 404


def test_checklist_states_against_the_due_dates(computed: CalculationRun) -> None:
    from tugi.pensions.selectors_runs import checklist

    early = {i.key: i.state for i in checklist(computed, today=dt.date(2025, 1, 10))}
    assert early == {
        "months": "done",
        "cutoff": "pending",
        "average": "pending",
        "index": "n/a",
        "approved": "pending",
        "applied": "pending",
        "payments": "n/a",
    }
    late = {i.key: i.state for i in checklist(computed, today=dt.date(2025, 4, 10))}
    assert late["cutoff"] == "done" and late["average"] == "late"
    assert late["approved"] == "late" and late["applied"] == "late"


def test_checklist_names_missing_months(tmp_path: Path, ds: Any) -> None:
    from tugi.pensions.selectors_runs import checklist

    import_tax(tmp_path, ds, 2023, CODES[:3], months=range(1, 10))
    run = services.run_create(kind=RunKind.YEAR_SHARES, year=2023, actor=ds)
    months = checklist(run, today=dt.date(2024, 3, 1))[0]
    assert months.state == "late" and months.detail.endswith("10, 11")  # 12: the extreme earner


def test_the_runbook_guide_is_seeded_once_and_linked(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    from tugi.core.context import system_actor
    from tugi.pensions.services.runs_guide import runbook_ensure

    first = runbook_ensure(actor=system_actor())
    assert runbook_ensure(actor=system_actor()).pk == first.pk
    assert first.kind == "process" and "Yearly mass calculation" in first.title
    text = client_for(second).get(reverse("pensions:run_detail", args=[computed.pk])).content.decode()
    assert 'id="run-runbook"' in text


def test_the_runbook_can_be_created_from_the_run_page(
    computed: CalculationRun, second: Any, client_for: Any
) -> None:
    client = client_for(second)
    text = client.get(reverse("pensions:run_detail", args=[computed.pk])).content.decode()
    assert 'id="run-runbook-create"' in text and 'id="run-runbook"' not in text
    response = client.post(reverse("pensions:run_runbook_create"))
    assert response.status_code == 302 and response["Location"].endswith("/yearly-mass-calculation/")
    client.post(reverse("pensions:run_runbook_create"))  # again: still one guide
    text = client.get(reverse("pensions:run_detail", args=[computed.pk])).content.decode()
    assert 'id="run-runbook"' in text and 'id="run-runbook-create"' not in text
