"""Smoke tests of the environment and flag models and their factories."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.delivery.factories import EnvironmentFactory, FeatureFlagFactory, FlagStateFactory

pytestmark = pytest.mark.django_db


def test_flag_key_is_unique_per_system() -> None:
    FeatureFlagFactory(system="SKAIS", key="new-calc")
    FeatureFlagFactory(system="STAR", key="new-calc")
    with pytest.raises(IntegrityError):
        FeatureFlagFactory._meta.model.objects.create(system="SKAIS", key="new-calc")


def test_flag_state_uses_an_environment_of_the_flags_system() -> None:
    state = FlagStateFactory(flag=FeatureFlagFactory(system="STAR"))
    assert state.environment.system == "STAR"
    assert EnvironmentFactory(system="STAR", kind="uat") == state.environment
