"""What waits for a user in the access area, for the weekly summary and "My week": access requests
waiting for the user's approval, recertification reviews, and assignments of the user's reports
ending within two weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.registry import PendingItem, PendingSource, registry

ENDING_WITHIN_DAYS = 14


def _collect(user: Any, today: dt.date) -> list[PendingItem]:
    from tugi.core.permissions import can

    from .. import selectors

    items: list[PendingItem] = []
    if can(user, "access.view_accessrequest"):
        items += [
            PendingItem(
                _("Approve access request #%(pk)s: %(profile)s for %(account)s")
                % {"pk": r.pk, "profile": r.profile, "account": r.account.username},
                reverse("access:requests_detail", args=[r.pk]),
                None,
                _("approval"),
            )
            for r in selectors.approvals_waiting_for(user)
        ]
    items += [
        PendingItem(
            _("Recertification “%(name)s”: %(count)s reviews") % {"name": r["name"], "count": r["pending"]},
            reverse("access:campaign_my_reviews"),
            r["deadline"],
            _("review"),
        )
        for r in selectors.reviews_waiting_for(user)
    ]
    items += [
        PendingItem(
            _("Assignment of %(account)s to %(profile)s ends")
            % {"account": a.account.username, "profile": a.profile},
            reverse("access:people_account_detail", args=[a.account_id]),
            a.valid_to,
            _("expiring assignment"),
        )
        for a in selectors.assignments_ending_for_manager(user, today, ENDING_WITHIN_DAYS)
    ]
    return items


def register() -> None:
    registry.add(PendingSource("access", gettext_lazy("User rights"), _collect, order=20))
