"""Forms of the work area, one module per topic (re-exported here)."""

from .guides import GuideForm
from .partners import ContactForm, PartnerForm

__all__ = ["ContactForm", "GuideForm", "PartnerForm"]
