"""What the access area's people topic adds to the shell: navigation, the account search and the
HR import job."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import JobHandler, SearchHit, SearchProvider, registry

HR_IMPORT_JOB = "access-hr-import"


def _hr_import_run(job: Any, progress: Any) -> dict[str, Any]:
    from tugi.core.uploads import read_upload

    from ..services.people import hr_import

    progress.update(percent=1, step=str(_("Reading the file")))
    content = read_upload(job.params["sha256"], ".csv")
    return hr_import(content=content, actor=job.actor, progress=progress, reason=job.params.get("reason", ""))


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_people import account_search

    return [
        SearchHit(
            f"{a.first_name} {a.last_name} ({a.username})",
            reverse("access:people_account_detail", args=[a.pk]),
            _("account"),
            a.org_unit.name,
        )
        for a in account_search(user=user, query=query, limit=5)
    ]


def register() -> None:
    registry.add(JobHandler(HR_IMPORT_JOB, _("HR import"), _hr_import_run))
    registry.add(SearchProvider("access-accounts", _search, order=42))
    area = _("User rights")
    add_nav(NavItem("access", area, _("Accounts"), "access:people_account_list", "access.view_account", 430))
    add_nav(
        NavItem(
            "access", area, _("Organisation units"), "access:people_unit_list", "access.view_orgunit", 435
        )
    )
