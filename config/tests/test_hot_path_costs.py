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
from django.test import Client, RequestFactory, override_settings
from django.utils.functional import empty

from accounts.tests.factories import UserFactory
from affiliates.tests.factories import LinkFactory
from cms.models import RedirectRule
from cms.tests.factories_redirects import rule
from config.middleware import LazyMessageMiddleware
from config.testing import data_statements
from offers.tests.factories import NETWORK_TOKEN, OfferFactory
from tracking.tests.factories import ClickFactory


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


WITHOUT_REDIRECTS = [m for m in settings.MIDDLEWARE if m != "cms.middleware.RedirectMiddleware"]


def _cost(user, middleware, path, warm_params, params):
    """A request's status and statements under `middleware`, after one warm-up request
    (so the row caches answer as they do in a running process). A new Client each time:
    a client's handler loads the middleware on its first request and keeps it, so an
    override_settings(MIDDLEWARE) after that changes nothing."""
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        client.force_login(user)
        client.get(path, warm_params)
        with data_statements() as statements:
            response = client.get(path, params)
    return response.status_code, statements


@pytest.mark.django_db
def test_the_redirect_middleware_adds_no_query_to_the_hot_paths():
    """Issue 16: /out/, /go/ and postbacks (and their own 404s) pay nothing for the SEO
    redirect rules: the same statements with the middleware as without it."""
    for n in range(10):
        rule(f"/old-{n}/", "/stores/")
    rule("/go/", "/stores/", match=RedirectRule.Match.PREFIX)  # never applies: skipped prefix
    offer, link, click = OfferFactory(), LinkFactory(), ClickFactory()
    sale = {"token": NETWORK_TOKEN, "click_id": str(click.click_id), "sale_amount": "100.00"}
    sale["commission"] = "8.00"
    postback = f"/postback/{click.merchant.network.slug}/"
    user = UserFactory()
    costs = {}
    for label, middleware in (("with", settings.MIDDLEWARE), ("without", WITHOUT_REDIRECTS)):
        costs[label] = {
            "out": _cost(user, middleware, f"/out/{offer.pk}/", None, None),
            "go": _cost(user, middleware, f"/go/{link.slug}/", None, None),
            "go 404": _cost(user, middleware, "/go/no-such-link/", None, None),
            "out 404": _cost(user, middleware, "/out/999999999/", None, None),
            "v 404": _cost(user, middleware, "/v/999999999/", None, None),
            "page 404": _cost(user, middleware, "/no-such-page/", None, None),
            "postback": _cost(
                user,
                middleware,
                postback,
                {**sale, "txn_id": f"warm-{label}"},
                {**sale, "txn_id": f"sale-{label}"},
            ),
        }

    # The comparison is real: outside the skipped prefixes the middleware does log.
    page_404 = {label: costs[label].pop("page 404") for label in costs}
    assert page_404["with"][1] == [*page_404["without"][1], "INSERT cms_notfoundentry"]
    assert costs["with"] == costs["without"]
    assert costs["with"]["out"] == (302, ["SELECT accounts_user", "INSERT tracking_click"])
    assert costs["with"]["go"] == (302, ["INSERT tracking_affiliateclick"])
    assert (costs["with"]["go 404"][0], costs["with"]["out 404"][0]) == (404, 404)
    assert costs["with"]["postback"][0] == 200
    assert RedirectRule.objects.filter(hits__gt=0).count() == 0
