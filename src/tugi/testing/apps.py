from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "tugi.testing"
    label = "testing"
    verbose_name = _("Testing")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants: dict[str, dict[str, str]] = {}

    def ready(self) -> None:
        from . import contributions

        contributions.register()
