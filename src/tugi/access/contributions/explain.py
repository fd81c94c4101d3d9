"""What the access area's explain topic adds to the shell: navigation to explain, effective rights
and the system export; and the SCIM service's place among the paths that authenticate by
themselves (a Bearer token, not the sign-in page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav

SCIM_PREFIX = "/scim/"


def _scim_authenticates_itself() -> None:
    """SCIM clients send ``Authorization: Bearer``; the sign-in middleware must let them through to
    the SCIM views, which answer 401 themselves, like the API does under /api/.

    Workaround: ``tugi.core.middleware.PUBLIC_PREFIXES`` (read-only for this topic) lacks
    "/scim/"; it is read on every request, so it is extended here once at start-up.
    """
    from tugi.core import middleware

    if SCIM_PREFIX not in middleware.PUBLIC_PREFIXES:
        middleware.PUBLIC_PREFIXES = (*middleware.PUBLIC_PREFIXES, SCIM_PREFIX)  # type: ignore[assignment]


def register() -> None:
    _scim_authenticates_itself()
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
