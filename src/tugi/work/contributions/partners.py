"""What the partners topic adds to the shell: navigation, search and e-mail recipients by topic."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import SearchHit, SearchProvider, registry


def _search(user: Any, query: str) -> list[SearchHit]:
    from django.db.models import Q

    from ..selectors import partners

    return [
        SearchHit(p.name, reverse("work:partner_detail", args=[p.pk]), _("partner"), p.get_kind_display())
        for p in partners(user=user).filter(Q(name__icontains=query) | Q(short_name__icontains=query))[:5]
    ]


def register() -> None:
    from ..selectors import topic_contact_recipients

    registry.add(SearchProvider("work", _search, order=50))
    if topic_contact_recipients not in registry.recipient_providers:
        registry.recipient_providers.append(topic_contact_recipients)
    area = _("Work")
    add_nav(NavItem("work", area, _("Partners"), "work:partner_list", "work.view_partner", 700))
    add_nav(NavItem("work", area, _("Contacts"), "work:contact_list", "work.view_contact", 710))
