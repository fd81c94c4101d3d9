"""Filters of the work area, one module per topic (re-exported here)."""

from .guides import GuideFilter
from .partners import ContactFilter, PartnerFilter

__all__ = ["ContactFilter", "GuideFilter", "PartnerFilter"]
