"""Security headers on every page and a clean `manage.py check --deploy` under the production settings."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, member

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "hienmau.settings",
    "HIENMAU_SECRET_KEY": "k7$Qz!pX2wL9vR4tN8bY1cF6hJ3mS5dG0aE_uI-oP+eW@rT*yZ",
    "HIENMAU_ALLOWED_HOSTS": "hienmau.example.gov.vn",
    "HIENMAU_CSRF_TRUSTED_ORIGINS": "https://hienmau.example.gov.vn",
}


def _manage(tmp_path, *args, **extra_env):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HIENMAU_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION_ENV,
        **extra_env,
    }
    command = [sys.executable, "-m", "django", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_switched_off(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", HIENMAU_HTTPS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no HTTPS redirect


@pytest.fixture
def signed_in(client, db):
    client.force_login(member("vp.angiang", UnitFactory()))
    return client


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_the_security_headers(signed_in):
    response = signed_in.get(reverse("home"))
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"].startswith("camera=(self), microphone=(), geolocation=()")


def test_no_page_template_holds_inline_script_or_handlers():
    """Inline <script> blocks, on…= handlers and javascript: links would be refused by the policy."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "hienmau"
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\son[a-z]+\s*=\s*[\"']", text)
            or "javascript:" in text
        ):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_an_inline_style_block_gets_the_nonce_the_header_names(client, db):
    response = client.get(reverse("public_certificates:certificate_verify", args=["A" * 24]))
    assert response.status_code == 404
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _csp(response)["style-src"]


@pytest.mark.django_db
def test_over_https_settings_the_site_redirects_and_sends_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_the_api_documentation_runs_its_script_from_files(client):
    for name in ("api:docs", "api:redoc"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()), name
        assert _csp(response)["script-src"] == ["'self'"]
    assert client.get(reverse("api:docs") + "?script")["Content-Type"] == "application/javascript"
