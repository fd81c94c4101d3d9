from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation
from .roles import ROLE_LABELS, user_roles


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    from .models import Notification

    return {
        "nav_areas": navigation(user, request.path),
        "user_role_labels": [ROLE_LABELS[r] for r in user_roles(user)],
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
