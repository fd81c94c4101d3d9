"""What the access area's catalogue topic adds to the shell: navigation and the search for rights."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import SearchHit, SearchProvider, registry


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_profiles import search

    _profiles, rights = search(user=user, query=query)
    return [
        SearchHit(
            f"{r.system.code}:{r.code}",
            reverse("access:catalogue_right_detail", args=[r.pk]),
            _("right"),
            r.name_et,
        )
        for r in rights
    ]


def register() -> None:
    registry.add(SearchProvider("access-rights", _search, order=41))
    add_nav(
        NavItem(
            "access",
            _("User rights"),
            _("Systems and rights"),
            "access:catalogue_system_list",
            "access.view_managedsystem",
            400,
        )
    )
