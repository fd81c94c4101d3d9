from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "tugi.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants: dict[str, dict[str, str]] = {
        # environments, readiness, clones and flags (helper E1)
        "environment": {"test_manager": "vacd", "domain_support": "v"},
        "readinesscheck": {"test_manager": "va", "domain_support": "va"},
        "cloneplan": {"test_manager": "vac", "domain_support": "v"},
        "clonetask": {"test_manager": "vac", "domain_support": "vc"},
        "featureflag": {"test_manager": "vac", "domain_support": "v"},
        "flagstate": {"test_manager": "vac", "domain_support": "v"},
        # deliveries, tickets, UAT checks, go / no-go (helper E2)
        "delivery": {"test_manager": "vacd", "domain_support": "v"},
        "deliverydate": {"test_manager": "vacd", "domain_support": "v"},
        "deliverysignoff": {"test_manager": "vac", "domain_support": "v"},
        "ticket": {"test_manager": "vacd", "domain_support": "va"},
        "ticketflag": {"test_manager": "vacd", "domain_support": "v"},
        "ticketlink": {"test_manager": "vacd", "domain_support": "vac"},
        "uatcheck": {"test_manager": "vac", "domain_support": "va"},
        "godecision": {"test_manager": "vac", "domain_support": "v"},
        "calendarfeed": {"test_manager": "vac", "domain_support": "vac", "finance": "vac"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
