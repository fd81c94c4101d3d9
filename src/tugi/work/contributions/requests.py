"""What the requests topic adds to the shell: navigation, the "requests waiting for my sign-off"
desk card, search, and the pending items for the weekly summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, PendingItem, PendingSource, SearchHit, SearchProvider, registry


def _desk_sign_off(request: Any) -> dict[str, Any] | None:
    from ..selectors_requests import requests_waiting_for_sign_off

    items = list(requests_waiting_for_sign_off(user=request.user)[:10])
    return {"requests": items} if items else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from django.db.models import Q

    from ..selectors_requests import requests

    q = Q(title__icontains=query)
    if query.lstrip("#").isdigit():
        q |= Q(pk=int(query.lstrip("#")))
    return [
        SearchHit(
            str(r),
            reverse("work:request_detail", args=[r.pk]),
            _("development request"),
            r.get_status_display(),
        )
        for r in requests(user=user).filter(q)[:5]
    ]


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    from ..selectors_requests import requests_waiting_for_sign_off

    return [
        PendingItem(
            _("Sign off the development request %(request)s") % {"request": r},
            reverse("work:request_detail", args=[r.pk]),
            r.desired_date,
            _("sign-off"),
        )
        for r in requests_waiting_for_sign_off(user=user)
    ]


def register() -> None:
    registry.add(
        DeskWidget(
            "work-requests-sign-off",
            gettext_lazy("Development requests waiting for my sign-off"),
            "work/widgets/requests.html",
            _desk_sign_off,
            40,
        )
    )
    registry.add(SearchProvider("work-requests", _search, order=52))
    registry.add(PendingSource("work-requests", gettext_lazy("Development requests"), _pending, order=60))
    add_nav(
        NavItem(
            "work",
            gettext_lazy("Work"),
            gettext_lazy("Development requests"),
            "work:request_list",
            "work.view_developmentrequest",
            690,
        )
    )
