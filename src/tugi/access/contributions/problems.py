"""What the access area's problems topic adds to the shell: navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav


def register() -> None:
    from ..services import problems  # noqa: F401 - registers the forwarding audit event type

    area = _("User rights")
    add_nav(
        NavItem("access", area, _("Access problems"), "access:problem_list", "access.view_accessproblem", 370)
    )
