"""The runtime contract: health, request ids, logs, Celery settings, deploy checks."""

import io
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from config.logging import JsonFormatter, RequestIdFilter, request_id_var

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_health_is_ok_when_everything_answers(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(client):
    # A real connection attempt to a port nothing listens on, not a mock.
    celery_app.conf.task_always_eager = False
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get(reverse("health"))
    finally:
        celery_app.conf.broker_url = original

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.redis
@pytest.mark.django_db
def test_health_uses_the_real_redis_broker_and_cache(client):
    celery_app.conf.task_always_eager = False

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "broker"}
    assert settings.CACHES["default"]["BACKEND"] == "config.redis_cache.RedisCache"


@pytest.mark.django_db
def test_request_id_is_generated_or_passed_through_when_sane(client):
    generated = client.get(reverse("health"))["X-Request-ID"]
    passed = client.get(reverse("health"), HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"]
    hostile = client.get(reverse("health"), HTTP_X_REQUEST_ID="x\nforged log line")

    assert len(generated) == 32
    assert passed == "lb-1234abcd"
    assert hostile["X-Request-ID"] != "x\nforged log line"
    assert len(hostile["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id_and_extras():
    record = logging.makeLogRecord(
        {"name": "savebucks.test", "levelname": "INFO", "msg": "paid %s", "args": ("x",)}
    )
    record.amount = "10.00"
    token = request_id_var.set("req-42")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)

    assert line["request_id"] == "req-42"
    assert line["message"] == "paid x"
    assert line["amount"] == "10.00"
    assert line["level"] == "INFO"


def test_celery_is_configured_for_safe_redelivery():
    conf = celery_app.conf

    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit == 300
    assert conf.task_soft_time_limit == 240
    assert conf.task_eager_propagates is True


def test_argon2_is_the_configured_hasher():
    # The suite swaps in MD5 for speed, so read the settings module itself.
    from config import settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_env():
    result = _manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.com",
        SITE_URL="https://example.com",  # RFC 8058 unsubscribe links (cms.E001)
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.slow
def test_seed_demo_refuses_with_debug_off():
    result = _manage("seed_demo", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 1
    assert "Refusing to load demo data with DJANGO_DEBUG off" in result.stderr


@pytest.mark.django_db
def test_openapi_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    assert "/api/v1/me/" in out.getvalue()
