"""Shared test set-up.

The suite runs twice: on SQLite (default) and on PostgreSQL when ``DATABASE_URL`` points at one (``make test`` does
both). With ``CI=true`` the PostgreSQL pass is mandatory: an unreachable server is a failure, not a skip.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    """Every test writes media (and ledger checkpoints) into its own folder and keeps its own signing keys."""
    settings.LAWTRACE_KEY_DIR = str(tmp_path / "keys")  # type: ignore[attr-defined, operator]
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """PBKDF2 at production strength costs ~0.3 s a person; tests create hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: pytest.FixtureRequest) -> None:
    """Tests sign people in with ``client.force_login``: the second factor is not required unless a test turns
    ``LAWTRACE_REQUIRE_OTP`` on (tests/orgs/test_second_factor.py). A person with a device is still asked for it."""
    settings.LAWTRACE_REQUIRE_OTP = False  # type: ignore[attr-defined]
