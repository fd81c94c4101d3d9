"""What the guides topic adds to the shell: navigation, the "guides due for review" desk card and
search."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, SearchHit, SearchProvider, registry


def _desk_guides(request: Any) -> dict[str, Any] | None:
    from ..selectors import guides_review_overdue

    items = guides_review_overdue(user=request.user, owner=request.user)
    return {"guides": items} if items else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors import guides

    return [
        SearchHit(g.title, reverse("work:guide_detail", args=[g.slug]), _("guide"), g.get_area_display())
        for g in guides(user=user).filter(title__icontains=query)[:5]
    ]


def register() -> None:
    registry.add(
        DeskWidget("guides-review", _("Guides due for review"), "work/widgets/guides.html", _desk_guides, 50)
    )
    registry.add(SearchProvider("work-guides", _search, order=51))
    add_nav(NavItem("work", _("Work"), _("Guides"), "work:guide_list", "work.view_guide", 720))
