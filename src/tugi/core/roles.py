"""Roles are Django groups; their permissions come from each app's ``role_grants``.

A migration creates the groups; after every migrate, ``sync_role_permissions`` sets each group's
permissions from the grants the apps declare, so a new model's permissions follow its app.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


class Role(StrEnum):
    DOMAIN_SUPPORT = "domain_support"
    TEST_MANAGER = "test_manager"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SECURITY = "security"


ROLE_LABELS = {
    Role.DOMAIN_SUPPORT: _("domain support"),
    Role.TEST_MANAGER: _("test manager"),
    Role.FINANCE: _("finance specialist"),
    Role.AUDITOR: _("auditor"),
    Role.ADMIN: _("administrator"),
    Role.SECURITY: _("information security"),
}


def has_role(user: Any, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_tugi_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._tugi_roles = cache
    return role.value in cache


def user_roles(user: Any) -> list[Role]:
    return [role for role in Role if has_role(user, role)]


def tugi_app_configs() -> list[Any]:
    return [c for c in apps.get_app_configs() if c.name.startswith("tugi.")]


def granted_codenames(role: Role) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role holds according to the apps' grants."""
    result: set[tuple[str, str]] = set()
    for config in tugi_app_configs():
        grants: dict[str, dict[str, str]] = getattr(config, "role_grants", {})
        for model in config.get_models():
            name = model._meta.model_name
            letters = grants.get(name, {}).get(role.value, "")
            if role is Role.ADMIN:
                letters = "vacd"
            elif role is Role.AUDITOR:
                letters = "v" + letters.replace("v", "")
            result.update((config.label, f"{ACTIONS[letter]}_{name}") for letter in letters)
    if role is Role.ADMIN:
        result.update(("auth", f"{action}_user") for action in ACTIONS.values())
        result.add(("auth", "view_group"))
    if role is Role.AUDITOR:
        result.update({("auth", "view_user"), ("auth", "view_group")})
    return result


def sync_role_permissions(sender: Any = None, **kwargs: Any) -> None:
    """Make every role group hold exactly the permissions the apps grant it."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = granted_codenames(role)
        labels = {label for label, _code in wanted}
        perms = [
            p
            for p in Permission.objects.using(using)
            .filter(content_type__app_label__in=labels)
            .select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)
