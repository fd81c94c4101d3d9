from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "tugi.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants: dict[str, dict[str, str]] = {}

    def ready(self) -> None:
        from . import contributions

        contributions.register()
