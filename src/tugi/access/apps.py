from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "tugi.access"
    label = "access"
    verbose_name = _("User rights")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants = {
        "managedsystem": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "right": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "profile": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "profileversion": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "orgunit": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "account": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "assignment": {"domain_support": "vac", "test_manager": "v", "security": "v"},
        "accessrequest": {"domain_support": "vac", "test_manager": "va", "finance": "va", "security": "vc"},
        "approval": {"domain_support": "va", "test_manager": "va", "finance": "va", "security": "va"},
        "sodpolicy": {"domain_support": "vac", "security": "vac"},
        "sodexception": {"domain_support": "va", "security": "vac"},
        "sodviolation": {"domain_support": "vc", "security": "vc"},
        "campaign": {"domain_support": "vac", "security": "v"},
        "campaignitem": {"domain_support": "vc", "test_manager": "vc", "finance": "vc", "security": "vc"},
        "accessproblem": {"domain_support": "vac", "test_manager": "va", "finance": "va", "security": "v"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
