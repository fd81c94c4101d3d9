"""What plans and runs add to the shell: the Testing menu's plans and runs, the desk card "my
executions to do / run progress", and the go / no-go evidence of tested tickets."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, registry
from tugi.delivery.selectors import register_evidence_provider

from .. import audit_events_runs  # noqa: F401  (registers the event types)


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_runs import my_todo, open_runs, runs_progress

    if not can(request.user, "testing.view_testrun"):
        return None
    todo = my_todo(user=request.user)
    runs = open_runs(user=request.user)
    if not todo and not runs:
        return None
    progress = runs_progress(runs)
    return {"todo": todo, "runs": [(r, progress[r.pk]) for r in runs]}


def ticket_evidence(ticket: Any) -> dict[str, Any] | None:
    """Go / no-go: a ticket with linked test cases is tested when every case passed (roll-up)."""
    from ..selectors_runs import evidence

    return evidence(ticket)


def register() -> None:
    register_evidence_provider(ticket_evidence)
    registry.add(
        DeskWidget(
            "testing-runs",
            _("My executions to do and run progress"),
            "testing/run_widget.html",
            _desk,
            45,
        )
    )
    for label, url_name, perm, order in [
        (_("Test plans"), "testing:plan_list", "testing.view_testplan", 520),
        (_("Test runs"), "testing:run_list", "testing.view_testrun", 530),
    ]:
        add_nav(NavItem("testing", _("Testing"), label, url_name, perm, order))
