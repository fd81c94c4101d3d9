"""What the register topic adds to the shell: the "Pension insurance" section of a person's page
(insured years with links to their explanation, pensions), a desk card for pensions still in payment
to persons who have died, and a daily job that ends such pensions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.registry import DeskWidget, JobHandler, Periodic, PersonSection, registry

END_DECEASED_JOB = "pensions-end-deceased"


def _person_section(request: Any, person: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_register import insured_years, person_pensions

    user = request.user
    sees_years = can(user, "pensions.view_insuredyear")
    sees_pensions = can(user, "pensions.view_pension")
    if not (sees_years or sees_pensions):
        return None
    return {
        "person": person,
        "years": list(insured_years(person.personal_code)) if sees_years else [],
        "pensions": list(person_pensions(person.pk)) if sees_pensions else [],
        "sees_years": sees_years,
        "sees_pensions": sees_pensions,
        "can_grant": can(user, "pensions.add_pension") and not person.date_of_death,
    }


def _desk_deceased(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_register import pensions_of_deceased

    if not can(request.user, "pensions.change_pension"):
        return None
    count = pensions_of_deceased().count()
    return {"count": count} if count else None


def _end_deceased_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.register import pensions_end_deceased

    progress.update(percent=10, step=str(_("Ending pensions of persons who have died")))
    return {"ended": pensions_end_deceased(actor=job.actor, reason="date of death (daily job)")}


def _start_end_deceased(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(
        kind=END_DECEASED_JOB,
        key=f"{END_DECEASED_JOB}:{key}",
        actor=actor,
        params={},
        title=str(_("End pensions of persons who have died")),
    )


def register() -> None:
    registry.add(
        PersonSection(
            "pensions", _("Pension insurance"), "pensions/register_person_section.html", _person_section, 200
        )
    )
    registry.add(
        DeskWidget(
            "pensions-deceased",
            _("Pensions in payment to persons who have died"),
            "pensions/register_desk_deceased.html",
            _desk_deceased,
            60,
        )
    )
    registry.add(JobHandler(END_DECEASED_JOB, _("End pensions of persons who have died"), _end_deceased_run))
    registry.add(Periodic(END_DECEASED_JOB, dt.timedelta(days=1), _start_end_deceased))
