from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tugi.core"
    label = "core"
    verbose_name = _("Core")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants = {
        "person": {"domain_support": "vac", "finance": "vac", "test_manager": "v"},
        "job": {"domain_support": "va", "test_manager": "va", "finance": "va"},
        "apitoken": {"domain_support": "vac", "test_manager": "vac", "finance": "vac", "auditor": "vac"},
        "topic": {"domain_support": "v", "test_manager": "v", "finance": "v"},
        "usersubscription": {
            "domain_support": "vad",
            "test_manager": "vad",
            "finance": "vad",
            "auditor": "vad",
        },
        "notification": {"domain_support": "vc", "test_manager": "vc", "finance": "vc", "auditor": "vc"},
    }

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import contributions, roles, topics

        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="tugi-sync-roles")
        post_migrate.connect(topics.ensure_standard_topics, dispatch_uid="tugi-standard-topics")
        contributions.register()
