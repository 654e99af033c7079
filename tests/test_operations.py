"""Operations: the health endpoint and Django's deployment checks with the production environment."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),  # issue 15: citizens' phone numbers at rest
    "ALLOWED_HOSTS": "dudao.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://dudao.example.cn",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "BEHIND_PROXY": "true",
    "STATICFILES_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


def _environment(**overrides: str) -> dict[str, str]:
    # the browser tests' async escape hatch is set for this process only; production never has it
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return env | {"DJANGO_SETTINGS_MODULE": "config.settings.base"} | overrides


def test_deploy_checks_pass_with_the_production_environment():
    """`check --deploy` raises no warning with the environment the README documents for production."""
    env = _environment(**PRODUCTION_ENV)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue15_secure_by_default_with_four_variables():
    """Issue 15 items 4 and 5: with DEBUG=false, HTTPS redirect, HSTS and secure cookies are on by default:
    `check --deploy --fail-level WARNING` passes with only SECRET_KEY, FIELD_ENCRYPTION_KEYS, ALLOWED_HOSTS and
    DEBUG=false."""
    env = {k: v for k, v in _environment().items() if not k.startswith(("SECURE_", "BEHIND_PROXY"))}
    env |= {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "dudao.example.cn",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue15_production_refuses_to_start_without_an_encryption_key():
    """Issue 15 item 5: the same environment without FIELD_ENCRYPTION_KEYS — the portal does not start, and
    the error names the variable and how to make a key."""
    env = {k: v for k, v in _environment().items()
           if not k.startswith(("SECURE_", "BEHIND_PROXY")) and k != "FIELD_ENCRYPTION_KEYS"}
    env |= {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "dudao.example.cn"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "DEBUG=false needs FIELD_ENCRYPTION_KEYS" in result.stderr
    assert "Fernet.generate_key().decode()" in result.stderr


def test_issue15_turning_a_protection_off_is_explicit_and_seen():
    """A TLS proxy that redirects itself may turn the redirect off: said in the environment, and the deploy
    check names it."""
    env = _environment(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="dudao.example.cn",
                       FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), SECURE_SSL_REDIRECT="false")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "security.W008" in result.stdout + result.stderr


def test_issue15_production_refuses_the_development_key():
    """DEBUG=false with no SECRET_KEY of its own: the portal does not start, and says why."""
    env = {k: v for k, v in _environment(DEBUG="false").items() if k != "SECRET_KEY"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr


@pytest.mark.django_db
def test_health_reports_database_broker_and_beat(client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    response = client.get(reverse("health"))
    data = response.json()
    assert response.status_code == 200 and data["status"] == "ok"
    assert data["database"]["ok"] and data["broker"]["ok"]
    assert data["beat"] == {"ok": False, "last_sweep": None}  # beat never ran
    every = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="reminders-send-due", task="campaign.reminders_send_due", interval=every,
                                last_run_at=timezone.now())
    assert client.get(reverse("health")).json()["beat"]["ok"] is True


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_down(client, monkeypatch):
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False and response.json()["database"]["ok"] is True


@pytest.mark.django_db
def test_every_response_carries_a_request_id_that_the_logs_repeat(client, caplog):
    import json
    import logging

    from config.logging import JsonFormatter, RequestIdFilter

    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="edge-42")
    assert response["X-Request-ID"] == "edge-42"  # the proxy's id is kept, so its logs join ours
    generated = client.get(reverse("login"), HTTP_X_REQUEST_ID="bad id; drop table")["X-Request-ID"]
    assert generated != "bad id; drop table" and len(generated) == 32

    # a line logged during a request names that request
    caplog.set_level(logging.WARNING, logger="django.request")
    caplog.handler.addFilter(RequestIdFilter())  # as the console handler of LOGGING has it
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "req-404"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and "no-such-page" in line["message"]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_portal_and_whitenoise_its_static_files(tmp_path):
    """Production mode: gunicorn with DEBUG off serves the Chinese login page, and whitenoise the
    hashed, compressed static files collected for it."""
    import re
    import socket
    import time
    import urllib.request

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("gunicorn's workers need a database they can share with the test (PostgreSQL, as in CI)")
    db = connection.settings_dict
    env = _environment(**(PRODUCTION_ENV | {
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the portal's gunicorn settings, as the README runs it
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"),
                               "-c", str(ROOT / "config" / "gunicorn.py"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(60):
            try:
                page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer")
        assert 'lang="zh-hans"' in page and "登录" in page
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', page)
        assert css, "the manifest storage names static files by their hash"
        request = urllib.request.Request(base + css.group(1), headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
            assert "max-age" in response.headers["Cache-Control"]
        # issue 13: a page and what it loads next come over one connection (keep-alive; the sync worker closed it)
        import http.client

        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection_.request("GET", "/accounts/login/")
            first = connection_.getresponse()
            first.read()
            opened = connection_.sock
            assert first.status == 200 and opened is not None, "the server closed the connection after one page"
            connection_.request("GET", css.group(1))
            second = connection_.getresponse()
            second.read()
            assert second.status == 200 and connection_.sock is opened
        finally:
            connection_.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
