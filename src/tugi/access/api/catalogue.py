"""API of the access area: catalogue."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["access"])
