"""API of the access area: profiles."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["access"])
