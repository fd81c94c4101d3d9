"""API of the access area: requests."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["access"])
