"""What the access area's requests topic adds to the shell: navigation, the "requests waiting for
me" desk card and the recipient provider that addresses named approvers by e-mail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, registry


def _desk_waiting(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_requests import requests_waiting_for

    if not can(request.user, "access.view_accessrequest"):
        return None
    items = requests_waiting_for(user=request.user)
    return {"requests": items[:10]} if items else None


def register() -> None:
    registry.add(
        DeskWidget(
            "access-requests-waiting",
            _("Access requests waiting for me"),
            "access/requests_widget.html",
            _desk_waiting,
            30,
        )
    )
    area = _("User rights")
    add_nav(
        NavItem(
            "access", area, _("Access requests"), "access:requests_list", "access.view_accessrequest", 450
        )
    )
    add_nav(
        NavItem("access", area, _("My approvals"), "access:requests_mine", "access.view_accessrequest", 455)
    )
