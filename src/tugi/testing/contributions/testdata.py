"""What test data adds to the shell: the "Test data" and "Pseudonymise an extract" menu items and a
demo loader (two scenarios, one batch generated)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DemoLoader, registry

from .. import audit_events_testdata  # noqa: F401  (registers the event types)

DEMO_SCENARIOS = [
    (
        "Pensioner who died last month, pension still in payment",
        "For testing the stopping of payments after a death and the recovery of what was paid too much.",
        "count: 3\nage: [70, 85]\ndied: last_month\npension: {status: in_payment}\n"
        "pillar_ii: false\noverpayment: true\n",
        3,
    ),
    (
        "Pillar-II member close to retirement",
        "Insured persons of 60-64 in the funded pillar, for the insurance share calculation.",
        "count: 5\nage: [60, 64]\npillar_ii: true\ninsured_years: {from: 2015, to: 2024, income: average}\n",
        0,
    ),
]


def _demo(actor: Any, stdout: Any) -> None:
    from ..models import TestDataScenario
    from ..services.testdata import batch_generate, scenario_create

    for name, description, spec, generate in DEMO_SCENARIOS:
        if TestDataScenario.objects.filter(name=name).exists():
            continue
        scenario = scenario_create(
            name=name, description=description, spec_text=spec, actor=actor, reason="demo"
        )
        if generate:
            batch_generate(scenario=scenario, count=generate, environment="TEST", actor=actor, reason="demo")
    stdout.write("  test data scenarios")


def register() -> None:
    registry.add(DemoLoader("testing-testdata", _demo, order=190))
    for label, url_name, perm, order in [
        (_("Test data"), "testing:testdata_list", "testing.view_testdatascenario", 560),
        (_("Pseudonymise an extract"), "testing:pseudonymise", "testing.add_generationbatch", 561),
    ]:
        add_nav(NavItem("testing", _("Testing"), label, url_name, perm, order))
