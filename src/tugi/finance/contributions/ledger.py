"""What finance's ledger topic adds to the shell: the menu items Ledger, Trial balance and Reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav


def register() -> None:
    for label, url_name, order in (
        (_("Ledger"), "finance:entry_list", 650),
        (_("Trial balance"), "finance:trial_balance", 651),
        (_("Reports"), "finance:report_index", 652),
    ):
        add_nav(NavItem("finance", _("Finance"), label, url_name, "finance.view_journalentry", order))
