from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class PensionEvent(models.TextChoices):
    TAX_FILE_IMPORTED = "pensions.tax_file_imported", _("social tax file imported")
    PARAMETER_PROPOSED = "pensions.parameter_proposed", _("parameter value proposed")
    PARAMETER_CONFIRMED = "pensions.parameter_confirmed", _("parameter value confirmed")
    PARAMETER_WITHDRAWN = "pensions.parameter_withdrawn", _("parameter value withdrawn")
    RUN_CREATED = "pensions.run_created", _("calculation run created")
    RUN_COMPUTED = "pensions.run_computed", _("calculation run computed")
    RUN_FAILED = "pensions.run_failed", _("calculation run failed")
    RUN_APPROVED = "pensions.run_approved", _("calculation run approved")
    RUN_APPLIED = "pensions.run_applied", _("calculation run applied")
    RUN_DISCARDED = "pensions.run_discarded", _("calculation run discarded")
    RUN_PAYMENTS_INFORMED = "pensions.run_payments_informed", _("payments informed of a calculation run")
    PENSION_TYPE_SAVED = "pensions.pension_type_saved", _("pension type saved")
    PENSION_CREATED = "pensions.pension_created", _("pension granted")
    PENSION_CHANGED = "pensions.pension_changed", _("pension changed")
    PENSION_AMOUNT_CORRECTED = "pensions.amount_corrected", _("pension amount corrected")
    PENSIONERS_IMPORTED = "pensions.pensioners_imported", _("pensioner register imported")
