"""Fixtures every test can use: users per role, logged-in clients, the system actor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tugi.core.context import system_actor
from tugi.core.roles import Role

from .factories import UserFactory

# Property tests check rules, not speed: a busy CI machine must not fail them for slow generation.
hypothesis_settings.register_profile("tugi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("tugi")


@pytest.fixture
def make_user(db: Any):
    def make(*roles: Role, **kwargs: Any) -> Any:
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def domain_support(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds")


@pytest.fixture
def test_manager(make_user: Any) -> Any:
    return make_user(Role.TEST_MANAGER, username="tm")


@pytest.fixture
def finance_user(make_user: Any) -> Any:
    return make_user(Role.FINANCE, username="fin")


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user(Role.AUDITOR, username="aud")


@pytest.fixture
def admin_user(make_user: Any) -> Any:
    return make_user(Role.ADMIN, username="adm")


@pytest.fixture
def system(db: Any) -> Any:
    return system_actor()


@pytest.fixture
def client_for():
    def login(user: Any) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
