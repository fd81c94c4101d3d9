"""What the access area's explain topic adds to the shell: navigation to explain, effective rights
and the system export; and the SCIM service's place among the paths that authenticate by
themselves (a Bearer token, not the sign-in page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav


def register() -> None:
    area = _("User rights")
    add_nav(NavItem("access", area, _("Explain access"), "access:explain", "access.view_account", 460))
    add_nav(
        NavItem("access", area, _("Effective rights"), "access:explain_rights", "access.view_account", 462)
    )
    add_nav(
        NavItem(
            "access", area, _("Export effective rights"), "access:explain_export", "access.view_account", 464
        )
    )
