"""What test reports, guidance and trainings add to the shell: navigation, a desk card of overdue
test reports (past due and not final) and a card of recent trainings with the "who has been trained
on what" matrix."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, registry

from .. import audit_events_reports  # noqa: F401  (registers the event types)


def _desk_overdue(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_reports import reports_overdue

    if not can(request.user, "testing.view_testreport"):
        return None
    items = list(reports_overdue(user=request.user)[:10])
    return {"reports": items} if items else None


def _desk_trainings(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_reports import trainings

    if not can(request.user, "testing.view_training"):
        return None
    items = list(trainings(user=request.user).order_by("-held_on")[:5])
    return {"trainings": items} if items else None


def register() -> None:
    registry.add(
        DeskWidget(
            "testing-reports-overdue",
            _("Test reports past their due date"),
            "testing/report_widget.html",
            _desk_overdue,
            47,
        )
    )
    registry.add(
        DeskWidget(
            "testing-trainings",
            _("Recent testing trainings"),
            "testing/training_widget.html",
            _desk_trainings,
            49,
        )
    )
    for label, url_name, perm, order in [
        (_("Test reports"), "testing:report_list", "testing.view_testreport", 550),
        (_("Testing guidance"), "testing:training_guidance", "work.view_guide", 555),
        (_("Trainings"), "testing:training_list", "testing.view_training", 556),
        (_("Who has been trained on what"), "testing:training_matrix", "testing.view_training", 557),
    ]:
        add_nav(NavItem("testing", _("Testing"), label, url_name, perm, order))
