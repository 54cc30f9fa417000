"""A campaign paused in another process stops this process's /go/ within a second: the
version in Redis is the only thing the two processes share besides the database."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from affiliates.tests.factories import LinkFactory

PAUSE_IN_ANOTHER_PROCESS = """
import django
django.setup()
from campaigns.models import Campaign
campaign = Campaign.objects.get(pk={pk})
campaign.status = Campaign.Status.PAUSED
campaign.save()
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_campaign_paused_elsewhere_stops_go_here_within_a_second(
    client, django_assert_num_queries
):
    link = LinkFactory()
    path = f"/go/{link.slug}/"
    client.get(path)
    with django_assert_num_queries(1):  # warm: the click INSERT, the link from the cache
        assert client.get(path)["Location"].startswith("https://example.com/landing")

    subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", PAUSE_IN_ANOTHER_PROCESS.format(pk=link.campaign_id)],
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
    paused_at = time.monotonic()
    while client.get(path)["Location"] != "https://example.com/":
        assert time.monotonic() - paused_at < 1.1, "still redirecting to the destination"
        time.sleep(0.02)
