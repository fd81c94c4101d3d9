"""The process guide "Yearly mass calculation", seeded in Tugi (idempotent) and linked from every
run's page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..selectors_runs import RUNBOOK_SLUG

RUNBOOK_BODY = """\
The yearly mass calculation of the pension insurance register, step by step. Each run's page shows
this checklist with what is done, pending and late.

1. **Import the personalised social tax** of year Y (Pensions → Social tax files): all 12 months,
   due by 15 February of Y+1. Corrections keep coming until the correction cut-off (1 March of
   Y+1, an assumption to be confirmed with the Tax and Customs Board); import them as new files —
   the latest submission per person, payer and month wins.
2. **Year shares**: create a run of kind *year shares* for Y and compute it. Check the review:
   the distribution of shares, the largest shares, shares above 10 and tax rows for persons unknown
   to the register. The run proposes the year's average.
3. **Confirm the average** of Y on the parameters screen once the government has confirmed it
   (a second person confirms). Compute the run again: it now uses the confirmed average.
4. **Approve and apply** the year-shares run (another person than the one who computed it).
   The register's yearly figures of Y are replaced in one step.
5. **Recalculation of working pensioners**: a run of kind *recalculation* for Y adds Y's share to
   every pensioner who was insured in Y, effective 1 April of Y+1. Review, approve, apply.
6. **Indexation** on 1 April of Y+1: record the confirmed pension index; create a run of kind
   *indexation* with the date and the index. Check that the total of pensions grows by the index
   within rounding and that no pension falls. Approve and apply.
7. **Inform payments**: mark the applied runs' payments as informed; the finance team is notified
   and the April payment run uses the new amounts.

Every step notifies the topic *mass-calculation*: subscribe to it on your notifications page.
If an input changes after a run was computed (a new tax file, a newly confirmed parameter, a change
in the pension register), the run cannot be approved: compute it again.
"""


@transaction.atomic
def runbook_ensure(*, actor: Any) -> Any:
    """The guide, created once (owned by ``actor``); an existing guide is left as its owner keeps it."""
    from tugi.work import services as work_services
    from tugi.work.selectors import guides

    existing = guides(user=actor).filter(slug=RUNBOOK_SLUG).first()
    if existing is not None:
        return existing
    return work_services.guide_create(
        actor=actor,
        title=_("Yearly mass calculation"),
        slug=RUNBOOK_SLUG,
        kind="process",
        area="pensions",
        body=RUNBOOK_BODY,
        owner=actor,
        review_interval_days=365,
    )
