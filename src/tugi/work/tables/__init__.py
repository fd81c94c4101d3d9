"""Tables of the work area, one module per topic (re-exported here)."""

from .guides import GuideTable
from .partners import ContactTable, PartnerTable

__all__ = ["ContactTable", "GuideTable", "PartnerTable"]
