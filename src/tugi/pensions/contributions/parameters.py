"""What the parameters topic adds to the shell: the "parameter values waiting for my
confirmation" desk card (four eyes: someone else's proposals only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.registry import DeskWidget, registry


def _desk_waiting(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_parameters import plain, proposals_waiting_for

    if not can(request.user, "pensions.change_parametervalue"):
        return None
    items = [(v, plain(v.value)) for v in proposals_waiting_for(user=request.user)[:10]]
    return {"waiting": items} if items else None


def register() -> None:
    registry.add(
        DeskWidget(
            "pensions-parameters-waiting",
            _("Pension parameters waiting for my confirmation"),
            "pensions/parameter_widget.html",
            _desk_waiting,
            45,
        )
    )
