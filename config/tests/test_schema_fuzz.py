"""Schemathesis over /api/schema/: every operation of the REST API, called in-process
through the WSGI app with data generated from the schema, authenticated as a shopper
(session) or a partner (API key). No answer may be a 500, and every answer must be one
the schema documents, in the shape it documents.

Generation is derandomized, so a run is repeatable; raise MAX_EXAMPLES locally to search
harder.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.tests.factories import ReferralFactory, UserFactory
from affiliates.models import DailyClicks, PostbackDelivery
from affiliates.services.apikeys import api_key_create
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import partner_payout_request
from affiliates.tests.factories import LinkFactory, PartnerFactory, PostbackFactory
from affiliates.tests.support import record_conversion
from campaigns.tests.factories import CampaignFactory, GoalFactory
from gamification.tests.factories_races import ChallengeFactory, ParticipantFactory, RaceFactory
from offers.tests.factories import CategoryFactory, MerchantFactory, OfferFactory
from tracking.tests.factories import ClickFactory
from wallet.tests.factories import give_available, recorded_event

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 15
CSRF = "reliabilitysuitecsrftoken0123456"  # a 32-character CSRF secret, as cookie and header


@pytest.fixture
def callers():
    """A shopper and a partner with something of everything; their credentials."""
    category = CategoryFactory()
    merchant = MerchantFactory(slug="acme")
    OfferFactory(merchant=merchant, category=category)

    shopper = UserFactory()
    ClickFactory(user=shopper, merchant=merchant)
    recorded_event(shopper, cashback="4.00", merchant=merchant)
    give_available(shopper, "60.00")
    ReferralFactory(referrer=shopper)
    ParticipantFactory(race=RaceFactory(slug="acme"), user=shopper, rank=1)
    ChallengeFactory()

    partner = PartnerFactory()
    campaign = CampaignFactory()
    GoalFactory(campaign=campaign, commission_value=Decimal("60"))
    link = LinkFactory(partner=partner, campaign=campaign)
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=timezone.localdate(), clicks=3
    )
    conversion = record_conversion(link, status="approved")
    record_conversion(link)
    commissions_make_payable(now=timezone.now() + timedelta(days=31))
    partner_payout_request(partner=partner)
    postback = PostbackFactory(partner=partner, url="https://93.184.215.14/pb")
    PostbackDelivery.objects.create(
        postback=postback, conversion=conversion, event="created", url=postback.url, method="GET"
    )
    _, key = api_key_create(partner=partner, name="schemathesis")

    client = Client()
    client.force_login(shopper)
    return {
        "cookieAuth": {"api_key": client.cookies["sessionid"].value},
        "PartnerApiKey": {"api_key": f"Api-Key {key}"},
    }


@pytest.fixture
def wsgi_app():
    """The bare WSGI app, with connections kept open between requests as the test
    Client keeps them: closing one would end the test's transaction half-way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _fuzz(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(
            # A session also needs the CSRF token for writes.
            headers={"X-CSRFToken": CSRF},
            cookies={"csrftoken": CSRF},
            # Schema-valid input may still break a business rule (a payout below the
            # minimum, an id that is not the caller's): a documented 400, not a failure.
            # Schema-violating input must be refused, query parameters included
            # (page_size=null, featured=maybe, an ordering not listed).
            excluded_checks=[positive_data_acceptance],
        )

    call()


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_documented(callers, wsgi_app, mode):
    # Each operation gets the credentials its security scheme asks for: the shopper's
    # session cookie, or the partner's API key.
    config = schemathesis.Config.from_dict({"auth": {"openapi": callers}})
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=config)
    failures, tried, unsatisfiable = [], [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        try:
            _fuzz(operation, mode)
        except Unsatisfiable:
            # Nothing to get wrong: no parameters or body (POST /partner/payouts/), or
            # only a free-text slug in the path.
            assert mode == GenerationMode.NEGATIVE, operation.label
            unsatisfiable.append(operation.label)
        except (Exception, BaseExceptionGroup) as exc:  # try every one, report all failures
            failures.append(f"=== {operation.label}\n{exc}")

    # Gamification: points and tier (3), races and challenges (4), leaderboards (2),
    # daily bonus (2) and bonus code (1). Support tickets: list, open, read, reply (4);
    # claims: list, file, one (3); Telegram: GET/PATCH/DELETE /me/telegram/ and
    # POST /me/telegram/link/ (4); notifications: list, read, preferences GET and PUT (4).
    # Content: a page, the posts, a post (3); the newsletter subscribe (1). Store: the
    # catalog and a product (2); my orders, place one, one order, cancel, reveal (5); the
    # gift-card redeem (1).
    assert len(tried) == 71
    # GET /leaderboards/ takes nothing to get wrong either, nor GET /races/{slug}/,
    # /pages/{slug}/, /posts/{slug}/ or /gift-cards/products/{slug}/ (a free-text slug,
    # readable without a login).
    assert len(unsatisfiable) == (7 if mode == GenerationMode.NEGATIVE else 0), unsatisfiable
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/offers/-1/"),
        ("get", "/api/v1/partner/links/abc/"),
        ("post", "/api/v1/me/withdrawals/1.5/cancel/"),
        ("delete", "/api/v1/no-such-thing/"),
        ("get", "/api/v1/"),
    ],
)
def test_an_unknown_api_path_is_a_json_404(client, method, path):
    response = getattr(client, method)(path)

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_path_without_its_slash_is_still_redirected(client):
    response = client.get("/api/v1/me")

    assert (response.status_code, response["Location"]) == (301, "/api/v1/me/")
