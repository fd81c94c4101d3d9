"""Production settings pass Django's deployment checks, and every page sends a CSP header."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUGI_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tugi.settings",
            "TUGI_HTTPS": "1",
            "TUGI_DEBUG": "0",
            "TUGI_SECRET_KEY": secrets.token_urlsafe(60),
            "TUGI_ALLOWED_HOSTS": "tugi.example.com",
            "TUGI_VAR_DIR": str(tmp_path),
        }
    )
    tugi = Path(sys.executable).parent / "tugi"
    result = subprocess.run(
        [str(tugi), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?: (" not in result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_a_content_security_policy(domain_support: Any, client_for: Any, client: Any) -> None:
    person = PersonFactory()
    login = client.get(reverse("login"))
    client = client_for(domain_support)
    pages = [
        login,
        client.get(reverse("core:desk")),
        client.get(reverse("core:person_list")),
        client.get(reverse("core:person_detail", args=[person.uid])),
        client.get("/api/v1/docs"),
    ]
    for response in pages:
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
