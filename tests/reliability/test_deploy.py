"""Production settings: Django's deployment checks pass with the production environment, and
what they set (HTTPS only, secure cookies, HSTS) is what a browser gets."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "crm.example.com",
    # Set in this process by the browser tests (Playwright runs an event loop); never in
    # production, where the deployment checks refuse it (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE": None,
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "ALLOWED_HOSTS",
]


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process with ``env`` over this one's environment (a value
    of None removes the variable)."""
    environment = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checks_pass_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_would_catch_a_weakened_setting():
    """The control of the test above: HSTS switched off is a warning that fails the run."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_HSTS_SECONDS="0"
    )

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_settings_are_the_secure_ones():
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = manage("shell", "-c", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "X_FRAME_OPTIONS": "DENY",
        "ALLOWED_HOSTS": ["crm.example.com"],
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", SECRET_KEY=None, ALLOWED_HOSTS="crm.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION_SETTINGS = override_settings(
    DEBUG=False,
    ALLOWED_HOSTS=["crm.example.com"],
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)


@PRODUCTION_SETTINGS
def test_plain_http_is_redirected_to_https(db):
    response = Client().get("/accounts/login/", HTTP_HOST="crm.example.com")

    assert response.status_code == 301
    assert response["Location"] == "https://crm.example.com/accounts/login/"


@PRODUCTION_SETTINGS
def test_https_answers_carry_hsts_and_the_other_security_headers(db):
    response = Client().get("/accounts/login/", HTTP_HOST="crm.example.com", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@PRODUCTION_SETTINGS
def test_the_session_and_csrf_cookies_are_secure_and_the_session_http_only(staff):
    client = Client(HTTP_HOST="crm.example.com")
    page = client.get(reverse("login"), secure=True)

    response = client.post(
        reverse("login"),
        {
            "username": staff.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
        secure=True,
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert page.cookies["csrftoken"]["secure"]


@pytest.mark.parametrize("host", ["evil.example.com", "crm.example.com.evil.test"])
@PRODUCTION_SETTINGS
def test_a_foreign_host_header_is_refused(db, host):
    response = Client().get("/accounts/login/", HTTP_HOST=host, secure=True)

    assert response.status_code == 400
