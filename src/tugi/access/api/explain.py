"""API of the access area: explain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["access"])
