"""A rule saved in one process is served by another within about a second: the version
in Redis is all the two share besides the database (PostgreSQL + Redis, two real OS
processes)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from .factories_redirects import rule

IN_ANOTHER_PROCESS = """
import django
django.setup()
from cms.models import RedirectRule
from cms.services.redirects import RuleInput, redirect_save
{action}
"""
ADD = (
    'redirect_save(RuleInput(match="regex", source=r"^/spring/(\\w+)/$", '
    'target="/store/$1/", status_code=301))'
)
DELETE = 'RedirectRule.objects.get(source="/old-stores/").delete()'


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _elsewhere(action: str) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", IN_ANOTHER_PROCESS.format(action=action)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
        },
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
    )


def _wait_for(client, path: str, status: int) -> float:
    changed_at = time.monotonic()
    while client.get(path).status_code != status:
        assert time.monotonic() - changed_at < 1.5, f"{path} still not {status}"
        time.sleep(0.02)
    return time.monotonic() - changed_at


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_rule_added_or_deleted_in_another_process_is_served_here_within_a_second(client):
    rule("/old-stores/", "/stores/")
    assert client.get("/spring/acme/").status_code == 404  # this process compiled its rules
    assert client.get("/old-stores/").status_code == 301

    _elsewhere(ADD)
    _wait_for(client, "/spring/acme/", 301)
    assert client.get("/spring/acme/")["Location"] == "/store/acme/"

    _elsewhere(DELETE)
    _wait_for(client, "/old-stores/", 404)
