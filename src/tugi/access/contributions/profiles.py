"""What the access area's profiles topic adds to the shell: navigation, the desk widget of
proposals waiting for the profile owner, and the search for profiles."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, SearchHit, SearchProvider, registry


def _desk_proposals(request: Any) -> dict[str, Any] | None:
    from ..selectors_profiles import proposals_waiting_for

    proposals = list(proposals_waiting_for(user=request.user)[:20])
    return {"proposals": proposals} if proposals else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_profiles import search

    profiles, _rights = search(user=user, query=query)
    return [
        SearchHit(
            str(p),
            reverse("access:profiles_detail", args=[p.pk]),
            _("profile"),
            f"{p.name} · {p.get_status_display()}",
        )
        for p in profiles
    ]


def register() -> None:
    registry.add(
        DeskWidget(
            "access-profile-proposals",
            _("Profile changes waiting for your approval"),
            "access/profiles_widget_proposals.html",
            _desk_proposals,
            40,
        )
    )
    registry.add(SearchProvider("access-profiles", _search, order=40))
    area = _("User rights")
    add_nav(NavItem("access", area, _("Profiles"), "access:profiles_list", "access.view_profile", 410))
    add_nav(
        NavItem("access", area, _("Compare profiles"), "access:profiles_compare", "access.view_profile", 415)
    )
