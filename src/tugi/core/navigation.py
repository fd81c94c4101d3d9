"""The navigation by area. Each area adds its entries in its AppConfig.ready."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    area: str
    area_label: Any
    label: Any
    url_name: str
    perm: str = ""
    order: int = 100


_ITEMS: list[NavItem] = []


def add_nav(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


def navigation(user: Any, path: str) -> list[dict[str, Any]]:
    areas: dict[str, dict[str, Any]] = {}
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.perm and not user.has_perm(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        area = areas.setdefault(
            item.area, {"key": item.area, "label": item.area_label, "items": [], "active": False}
        )
        active = path.startswith(url) and url != "/"
        area["items"].append({"label": item.label, "url": url, "active": active})
        area["active"] = area["active"] or active
    return list(areas.values())
