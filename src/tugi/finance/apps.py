from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "tugi.finance"
    label = "finance"
    verbose_name = _("Payments and finance")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants: dict[str, dict[str, str]] = {
        "bankaccount": {"finance": "vac", "domain_support": "vac"},
        "paymenthold": {"finance": "vac", "domain_support": "vac"},
        "debtoraccount": {"finance": "vac", "domain_support": "v"},
        "financeparameter": {"finance": "vac", "domain_support": "vac"},
        "paymentrun": {"finance": "vac", "domain_support": "vac"},
        "paymentline": {"finance": "v", "domain_support": "v"},
        "bankfile": {"finance": "v", "domain_support": "v"},
        "inboundfile": {"finance": "va", "domain_support": "va"},
        "bankevent": {"finance": "vc", "domain_support": "vc"},
        "overpayment": {"finance": "vac", "domain_support": "vac"},
        "recovery": {"finance": "va", "domain_support": "va"},
        "ledgeraccount": {"finance": "v", "domain_support": "v"},
        "journalentry": {"finance": "va", "domain_support": "v"},
        "journalline": {"finance": "v", "domain_support": "v"},
        "periodclose": {"finance": "va", "domain_support": "v"},
        "monitor": {"finance": "vac", "domain_support": "vac", "test_manager": "v"},
        "monitorresult": {"finance": "v", "domain_support": "v", "test_manager": "v"},
        "financeproblem": {"finance": "vac", "domain_support": "vac", "test_manager": "v"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
