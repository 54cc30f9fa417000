"""What a redirect pays for that only pages need: measured in tracking's benchmark,
kept out of the hot paths here."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from affiliates.tests.factories import LinkFactory
from config.middleware import LazyMessageMiddleware


@pytest.mark.django_db
def test_a_redirect_never_builds_the_message_storage(client):
    link = LinkFactory()

    response = client.get(f"/go/{link.slug}/")

    assert response.status_code == 302
    assert response.wsgi_request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_message_added_is_stored_as_before():
    request = RequestFactory().get("/")
    request.session = {}
    middleware = LazyMessageMiddleware(lambda request: None)
    middleware.process_request(request)
    messages.success(request, "Saved.")

    response = middleware.process_response(request, HttpResponse())

    assert response.cookies["messages"].value != ""
    reread = RequestFactory().get("/", HTTP_COOKIE=f"messages={response.cookies['messages'].value}")
    reread.session = {}
    middleware.process_request(reread)
    assert [str(m) for m in get_messages(reread)] == ["Saved."]


@pytest.mark.redis
def test_the_redis_cache_keeps_one_client_for_every_call():
    client = cache._cache.get_client(write=True)

    assert cache._cache.get_client("any-key", write=True) is client
    assert cache.add("hot-path-cost", 1, timeout=5) is True
    assert cache.add("hot-path-cost", 2, timeout=5) is False
    assert cache.incr("hot-path-cost") == 2


def test_a_web_worker_builds_its_url_routes_and_user_agent_rules_when_it_starts():
    """Not in its first click-outs, which waited seconds for them."""
    probe = (
        "import sys, config.wsgi, ua_parser; "
        "print('parser' in vars(ua_parser), 'tracking.views' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", probe],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert result.stdout.split() == ["True", "True"]
