"""What waits for a user in the classifiers area, for the weekly summary and "My week": change
requests waiting for the owner's decision, and overdue reviews of the classifiers the user owns or
maintains."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.registry import PendingItem, PendingSource, registry


def _collect(user: Any, today: dt.date) -> list[PendingItem]:
    from tugi.core.permissions import can

    from .. import selectors

    if not can(user, "classifiers.view_classifier"):
        return []
    items = [
        PendingItem(
            _("Decide on the change request “%(title)s” of %(code)s")
            % {"title": r.title, "code": r.classifier.code},
            reverse("classifiers:changes_request_detail", args=[r.pk]),
            r.planned_publication,
            _("decision"),
        )
        for r in selectors.change_requests_waiting_for(user).select_related("classifier")
    ]
    items += [
        PendingItem(
            _("Review the classifier %(code)s") % {"code": c.code},
            reverse("classifiers:classifiers_detail", args=[c.code]),
            None,
            _("overdue review"),
        )
        for c in selectors.reviews_overdue_for(user, today)
    ]
    return items


def register() -> None:
    registry.add(PendingSource("classifiers", gettext_lazy("Classifiers"), _collect, order=30))
