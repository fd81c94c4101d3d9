"""What the work area contributes to the shell."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DemoLoader, DeskWidget, SearchHit, SearchProvider, registry


def _desk_guides(request: Any) -> dict[str, Any] | None:
    from .selectors import guides_review_overdue

    items = guides_review_overdue(user=request.user, owner=request.user)
    return {"guides": items} if items else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from django.db.models import Q

    from .selectors import guides, partners

    hits = [
        SearchHit(p.name, reverse("work:partner_detail", args=[p.pk]), _("partner"), p.get_kind_display())
        for p in partners(user=user).filter(Q(name__icontains=query) | Q(short_name__icontains=query))[:5]
    ]
    hits += [
        SearchHit(g.title, reverse("work:guide_detail", args=[g.slug]), _("guide"), g.get_area_display())
        for g in guides(user=user).filter(title__icontains=query)[:5]
    ]
    return hits


def _demo(actor: Any, stdout: Any) -> None:
    from .demo import load_demo

    load_demo(actor, stdout)


def register() -> None:
    from .selectors import topic_contact_recipients

    registry.add(
        DeskWidget("guides-review", _("Guides due for review"), "work/widgets/guides.html", _desk_guides, 50)
    )
    registry.add(SearchProvider("work", _search, order=50))
    registry.add(DemoLoader("work", _demo, order=20))
    if topic_contact_recipients not in registry.recipient_providers:
        registry.recipient_providers.append(topic_contact_recipients)
    area = _("Work")
    add_nav(NavItem("work", area, _("Partners"), "work:partner_list", "work.view_partner", 700))
    add_nav(NavItem("work", area, _("Contacts"), "work:contact_list", "work.view_contact", 710))
    add_nav(NavItem("work", area, _("Guides"), "work:guide_list", "work.view_guide", 720))
