from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "tugi.work"
    label = "work"
    verbose_name = _("Work")

    role_grants = {
        "partner": {"domain_support": "vac", "test_manager": "vac", "finance": "v"},
        "contact": {"domain_support": "vacd", "test_manager": "vacd", "finance": "v"},
        "contactsubscription": {"domain_support": "vad", "test_manager": "vad", "finance": "v"},
        "guide": {"domain_support": "vac", "test_manager": "vac", "finance": "v"},
        "developmentrequest": {"domain_support": "vac", "test_manager": "vac"},
        "requestreviewer": {"domain_support": "vac", "test_manager": "vac"},
        "requestcomment": {"domain_support": "va", "test_manager": "va"},
        "improvementproposal": {"domain_support": "vac", "test_manager": "vac", "finance": "va"},
        "task": {"domain_support": "vac", "test_manager": "vac"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
