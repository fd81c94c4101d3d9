"""What the access area's reports topic adds to the shell: the reports index in navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav


def register() -> None:
    area = _("User rights")
    add_nav(NavItem("access", area, _("Reports"), "access:report_index", "access.view_assignment", 390))
