from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassifiersConfig(AppConfig):
    name = "tugi.classifiers"
    label = "classifiers"
    verbose_name = _("Classifiers")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants = {
        "consumingsystem": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
        "classifier": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
        "classifierversion": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
        "item": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
        "changerequest": {"domain_support": "vac", "test_manager": "va", "finance": "va"},
        "changeoperation": {"domain_support": "vacd", "test_manager": "vacd", "finance": "vacd"},
        "correspondence": {"domain_support": "vacd", "test_manager": "v", "finance": "v"},
        "entity": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
        "attribute": {"domain_support": "vac", "test_manager": "v", "finance": "v"},
    }

    def ready(self) -> None:
        from . import contributions

        contributions.register()
