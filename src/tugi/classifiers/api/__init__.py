"""The classifiers API under /api/v1/classifiers/ (for consuming systems and for Tugi's pages)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["classifiers"])
