"""What the classifiers area's dictionary topic adds to the shell: navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "classifiers",
            _("Classifiers"),
            _("Data dictionary"),
            "classifiers:dictionary_list",
            "classifiers.view_attribute",
            540,
        )
    )
