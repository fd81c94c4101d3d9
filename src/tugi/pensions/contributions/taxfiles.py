"""What the pensions area adds to the shell: the "Pensions" menu and the tax file import job.

The menu lists every topic of the area; an entry whose page does not exist (yet) is skipped by
``tugi.core.navigation`` when the menu is drawn.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import JobHandler, registry

IMPORT_JOB = "pensions-tax-import"


def _tax_import_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.taxfiles import staged_upload_path, taxfile_import

    params = job.params
    staged = staged_upload_path(params["sha256"])
    try:
        tax_file, created = taxfile_import(
            path=staged,
            original_name=params.get("original_name", staged.name),
            actor=job.actor,
            year=params.get("year"),
            reason=params.get("reason", ""),
            progress=lambda percent, step: progress.update(percent=percent, step=str(step)),
        )
    finally:
        # the staged copy holds personal codes: never keep it (a new upload stages it again)
        staged.unlink(missing_ok=True)
    return {
        "tax_file": tax_file.pk,
        "new": created,
        "year": tax_file.year,
        "rows": tax_file.rows,
        "persons": tax_file.persons,
        "url": reverse("pensions:taxfile_detail", args=[tax_file.pk]),
    }


def register() -> None:
    area, label = "pensions", _("Pensions")
    for title, url_name, perm, order in [
        (_("Tax files"), "pensions:taxfile_list", "pensions.view_taxfile", 600),
        (_("Calculation runs"), "pensions:run_list", "pensions.view_calculationrun", 610),
        (_("Pensions"), "pensions:pension_list", "pensions.view_pension", 620),
        (_("Insured years"), "pensions:insured_year_list", "pensions.view_insuredyear", 630),
        (_("Parameters"), "pensions:parameter_list", "pensions.view_parametervalue", 640),
        (_("Calculator"), "pensions:calculator", "pensions.view_parametervalue", 650),
    ]:
        add_nav(NavItem(area, label, title, url_name, perm, order))
    registry.add(JobHandler(IMPORT_JOB, _("Import social tax file"), _tax_import_run))
