"""What finance's bank topic adds to the shell: menu items for outgoing and incoming bank files and
the bank events to resolve, and a desk card counting unmatched bank events."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, registry

from .. import audit_events_bank  # noqa: F401  (registers the event types)


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_bank import unmatched_count

    if not can(request.user, "finance.change_bankevent"):
        return None
    count = unmatched_count()
    return {"count": count} if count else None


def register() -> None:
    registry.add(
        DeskWidget(
            "finance-bank-events", _("Bank events to resolve"), "finance/inbound_widget.html", _desk, 62
        )
    )
    for label, url_name, perm, order in [
        (_("Outgoing bank files"), "finance:bankfile_list", "finance.view_bankfile", 640),
        (_("Incoming bank files"), "finance:inbound_list", "finance.view_inboundfile", 642),
        (_("Bank events to resolve"), "finance:event_list", "finance.view_bankevent", 644),
    ]:
        add_nav(NavItem("finance", _("Finance"), label, url_name, perm, order))
