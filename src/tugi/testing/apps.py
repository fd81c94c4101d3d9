from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "tugi.testing"
    label = "testing"
    verbose_name = _("Testing")

    # model -> role -> actions (v view, a add, c change, d delete); admins get all, auditors view.
    role_grants: dict[str, dict[str, str]] = {}

    # cases, plans, runs and executions (helper T1)
    role_grants.update(
        {
            "testcase": {"test_manager": "vacd", "domain_support": "va"},
            "caseversion": {"test_manager": "v", "domain_support": "v"},
            "testplan": {"test_manager": "vacd", "domain_support": "v"},
            "testrun": {"test_manager": "vacd", "domain_support": "v"},
            "runcase": {"test_manager": "vacd", "domain_support": "v"},
            "execution": {"test_manager": "vac", "domain_support": "va"},
            "executionattachment": {"test_manager": "va", "domain_support": "va"},
        }
    )

    # defects and JUnit imports (helper T2)
    role_grants.update(
        {
            "defect": {"test_manager": "vacd", "domain_support": "vac"},
            "webhookdelivery": {"test_manager": "v"},
            "junitimport": {"test_manager": "vacd", "domain_support": "v"},
            "junitcaseresult": {"test_manager": "v", "domain_support": "v"},
            "junitmapping": {"test_manager": "vacd", "domain_support": "v"},
        }
    )

    # test reports and trainings (helper T3)
    role_grants.update(
        {
            "testreport": {"test_manager": "vacd", "domain_support": "v"},
            "training": {"test_manager": "vacd", "domain_support": "v"},
            "trainingmaterial": {"test_manager": "vacd", "domain_support": "v"},
            "trainingparticipant": {"test_manager": "vacd", "domain_support": "v"},
        }
    )

    # test data scenarios, batches and issued identities (helper T4)
    role_grants.update(
        {
            "testdatascenario": {"test_manager": "vacd", "domain_support": "va"},
            "generationbatch": {"test_manager": "va", "domain_support": "va"},
            "issuedidentity": {"test_manager": "v", "domain_support": "v"},
        }
    )

    def ready(self) -> None:
        from . import contributions

        contributions.register()
