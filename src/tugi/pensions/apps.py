from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PensionsConfig(AppConfig):
    name = "tugi.pensions"
    label = "pensions"
    verbose_name = _("Pensions")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants = {
        "taxfile": {"domain_support": "va", "finance": "v"},
        "parametervalue": {"domain_support": "vac", "finance": "v", "test_manager": "v"},
        "calculationrun": {"domain_support": "vac", "finance": "v"},
        "runpersonresult": {"domain_support": "v", "finance": "v"},
        "runpensionresult": {"domain_support": "v", "finance": "v"},
        "insuredyear": {"domain_support": "v", "finance": "v"},
        "pensiontype": {"domain_support": "vac", "finance": "v", "test_manager": "v"},
        "pension": {"domain_support": "vac", "finance": "v"},
        "pensionamount": {"domain_support": "va", "finance": "v"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
