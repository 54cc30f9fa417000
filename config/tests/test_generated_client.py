"""A partner and a shopper use the API through a client generated from our schema, as an
integrator would: export the schema, generate a Python client with openapi-python-client
(offline), import every module of it, then run a partner flow and a shopper flow against
a live test server. Every request and every answer is checked against the schema with
openapi-core, every write must go as JSON, and no value may arrive as the text "None"."""

import importlib
import json
import pkgutil
import subprocess
import sys
from decimal import Decimal
from http.cookies import SimpleCookie

import httpx
import pytest
from django.core.management import call_command
from django.test import Client as DjangoClient
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from accounts.tests.factories import PASSWORD, UserFactory
from affiliates.models import Conversion, Link, PartnerPostback
from affiliates.services.apikeys import api_key_create
from affiliates.tests.factories import PartnerFactory
from affiliates.tests.support import record_conversion
from campaigns.tests.factories import CampaignFactory, GoalFactory
from store.tests.factories import ProductFactory, VariantFactory, add_codes
from wallet.models import Withdrawal
from wallet.tests.factories import balances, give_available

pytestmark = [
    pytest.mark.slow,
    # The schema says an empty optional query parameter (`?ordering=`) is one left out
    # (config.api_schema); openapi-core reads it and notes the keyword is deprecated.
    pytest.mark.filterwarnings("ignore:Use of allowEmptyValue:DeprecationWarning"),
]

PACKAGE = "savebucks_api_client"
CSRF = "generatedclientcsrftoken01234567"  # a 32-character CSRF secret, cookie and header
# One connection per request: the live server's thread for a kept-alive connection would
# hold its database session past the test, and tests that wait for the test database to
# have no other sessions (config/tests/test_reliability_worker.py) would wait for it.
CLOSE = {"Connection": "close"}
# Any attempt of the generator to reach the network goes to a closed port and fails.
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
}


@pytest.fixture
def generated(tmp_path, monkeypatch, settings):
    """The schema as a file and the client generated from it, imported module by module."""
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(schema), "--validate", "--fail-on-warn")
    config = tmp_path / "generator.yaml"
    # No post-hooks: the default runs ruff over the generated code, nothing we need.
    config.write_text("post_hooks: []\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **OFFLINE}
    done = subprocess.run(  # noqa: S603 (our interpreter, our arguments)
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The generator warns for each piece it could not generate: there must be none.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr

    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module(PACKAGE)
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")
    ]
    yield schema, modules
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


class SchemaCheck:
    """httpx event hooks: each request and answer validated against the schema."""

    def __init__(self, schema_path):
        self.openapi = OpenAPI.from_file_path(str(schema_path))
        self.seen: list[tuple[str, str, int]] = []

    def hooks(self) -> dict:
        return {"event_hooks": {"request": [self.on_request], "response": [self.on_response]}}

    def _request(self, request: httpx.Request) -> MockRequest:
        cookies = SimpleCookie(request.headers.get("cookie", ""))
        return MockRequest(
            host_url=f"{request.url.scheme}://{request.url.netloc.decode()}",
            method=request.method.lower(),
            path=request.url.path,
            args=dict(request.url.params),
            headers=dict(request.headers),
            cookies={name: morsel.value for name, morsel in cookies.items()},
            data=request.content or None,
            content_type=request.headers.get("content-type", ""),
        )

    def on_request(self, request: httpx.Request) -> None:
        if request.content:
            assert request.headers["content-type"] == "application/json", request
            assert "None" not in set(_strings(json.loads(request.content))), request.content
        self.openapi.validate_request(self._request(request))

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        if response.content:
            assert "None" not in set(_strings(response.json())), response.text
        self.openapi.validate_response(
            self._request(request),
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("content-type", "").split(";")[0],
            ),
        )
        self.seen.append((request.method, request.url.path, response.status_code))


def _api(modules, name):
    return next(module for module in modules if module.__name__.endswith(f".api.v1.{name}"))


def _models(modules):
    return next(module for module in modules if module.__name__ == f"{PACKAGE}.models")


def test_a_partner_works_through_the_generated_client(generated, live_server):
    schema, modules = generated
    models = _models(modules)
    package = sys.modules[PACKAGE]
    check = SchemaCheck(schema)
    partner = PartnerFactory()
    campaign = CampaignFactory(name="Spring sale")
    goal = GoalFactory(campaign=campaign, commission_value=Decimal("60"))
    _key, raw = api_key_create(partner=partner, name="generated client")
    client = package.AuthenticatedClient(
        base_url=live_server.url,
        token=raw,
        prefix="Api-Key",
        headers=CLOSE,
        raise_on_unexpected_status=True,
        httpx_args=check.hooks(),
    )

    campaigns = _api(modules, "v1_partner_campaigns_list").sync(client=client)
    assert [(c.id, c.name, c.terms_url) for c in campaigns.results] == [
        (campaign.pk, "Spring sale", "")
    ]
    [typed_goal] = campaigns.results[0].goals
    assert (typed_goal.id, typed_goal.tracking_code, typed_goal.commission_value) == (
        goal.pk,
        goal.tracking_code,
        "60.0000",
    )
    assert typed_goal.commission_type == models.CommissionTypeEnum.FIXED

    created = _api(modules, "v1_partner_links_create").sync(
        client=client,
        body=models.LinkRequest(
            campaign=campaign.pk,
            name="Blog",
            destination_url="https://example.com/p?c={click_id}",
            sub1="spring",
        ),
    )
    assert isinstance(created, models.Link), created
    assert (created.destination_url, created.sub1, created.status) == (
        "https://example.com/p?c={click_id}",
        "spring",
        models.LinkStatusEnum.ACTIVE,
    )
    refused = _api(modules, "v1_partner_links_create").sync(
        client=client,
        body=models.LinkRequest(campaign=campaign.pk, destination_url="https://elsewhere.test/"),
    )
    assert isinstance(refused, models.PartnerLinksCreateError)
    assert (refused.code, refused.field) == (
        models.PartnerLinksCreateErrorCode.DOMAIN_NOT_ALLOWED,
        "destination_url",
    )

    paused = _api(modules, "v1_partner_links_partial_update").sync(
        id=created.id,
        client=client,
        body=models.PatchedLinkRequest(status=models.LinkStatusEnum.PAUSED, sub2=""),
    )
    assert paused.status == models.LinkStatusEnum.PAUSED
    link = Link.objects.get()
    assert (link.pk, link.status, link.sub1, link.sub2) == (created.id, "paused", "spring", "")

    record_conversion(link, amount="100.00", status="approved")
    report = _api(modules, "v1_partner_reports_list").sync(
        client=client,
        group_by=models.V1PartnerReportsListGroupBy.CAMPAIGN,
    )
    assert [(row.label, row.conversions, row.earnings) for row in report] == [
        ("Spring sale", 1, "60.00")
    ]

    postback = _api(modules, "v1_partner_postbacks_create").sync(
        client=client,
        body=models.PostbackRequest(
            url="https://93.184.215.14/pb?c={click_id}&p={payout}",
            method=models.PostbackMethodEnum.POST,
            campaign=None,
            goal=None,
        ),
    )
    unknown = _api(modules, "v1_partner_postbacks_create").sync(
        client=client,
        body=models.PostbackRequest(url="https://93.184.215.14/pb", campaign=999998, goal=999999),
    )
    assert [(e.code, e.field) for e in unknown.errors] == [
        (models.PartnerPostbacksCreateErrorCode.DOES_NOT_EXIST, "campaign"),
        (models.PartnerPostbacksCreateErrorCode.DOES_NOT_EXIST, "goal"),
    ]
    assert isinstance(postback, models.Postback), postback
    assert (postback.campaign, postback.goal, postback.method) == (
        None,
        None,
        models.PostbackMethodEnum.POST,
    )
    stored = PartnerPostback.objects.get()
    assert (stored.campaign_id, stored.goal_id, stored.url) == (
        None,
        None,
        "https://93.184.215.14/pb?c={click_id}&p={payout}",
    )

    conversions = _api(modules, "v1_partner_conversions_list").sync(
        client=client,
        status=models.V1PartnerConversionsListStatus.APPROVED,
        ordering=models.V1PartnerConversionsListOrdering.CONVERTED_AT_DESC,
    )
    assert [(c.campaign, c.goal, c.amount, c.commission) for c in conversions.results] == [
        ("Spring sale", goal.tracking_code, "100.00", "60.00")
    ]
    assert conversions.results[0].id == Conversion.objects.get().pk

    assert [status for _method, _path, status in check.seen] == [
        200,
        201,
        400,
        200,
        200,
        201,
        400,
        200,
    ]


def test_a_shopper_works_through_the_generated_client(generated, live_server):
    schema, modules = generated
    models = _models(modules)
    package = sys.modules[PACKAGE]
    check = SchemaCheck(schema)
    shopper = UserFactory(first_name="")
    give_available(shopper, "60.00")
    session = DjangoClient()
    session.force_login(shopper)
    client = package.Client(
        base_url=live_server.url,
        cookies={"sessionid": session.cookies["sessionid"].value, "csrftoken": CSRF},
        headers={"X-CSRFToken": CSRF, **CLOSE},
        raise_on_unexpected_status=True,
        httpx_args=check.hooks(),
    )

    me = _api(modules, "v1_me_retrieve").sync(client=client)
    assert (me.id, me.email, me.avatar, me.first_name) == (shopper.pk, shopper.email, None, "")
    changed = _api(modules, "v1_me_partial_update").sync(
        client=client, body=models.PatchedMeUpdateRequest(first_name="Ana")
    )
    assert changed.first_name == "Ana"
    shopper.refresh_from_db()
    assert shopper.first_name == "Ana"

    wallet = _api(modules, "v1_me_wallet_retrieve").sync(client=client)
    assert (wallet.available, wallet.pending, wallet.currency) == ("60.00", "0.00", "USD")

    withdrawal = _api(modules, "v1_me_withdrawals_create").sync(
        client=client,
        body=models.WithdrawalRequestRequest(
            method=models.WithdrawalMethodEnum.PAYPAL,
            amount="25.00",
            paypal_email="ana@paypal.example",
            password=PASSWORD,
        ),
    )
    assert isinstance(withdrawal, models.Withdrawal), withdrawal
    assert (withdrawal.method, withdrawal.amount, withdrawal.fee, withdrawal.status) == (
        models.WithdrawalMethodEnum.PAYPAL,
        "25.00",
        "0.50",
        models.WithdrawalStatusEnum.PENDING,
    )
    assert withdrawal.completed_at is None
    assert balances(shopper)["available"] == Decimal("35.00")

    listed = _api(modules, "v1_me_withdrawals_list").sync(client=client)
    assert [w.id for w in listed.results] == [withdrawal.id]

    cancelled = _api(modules, "v1_me_withdrawals_cancel_create").sync(
        id=withdrawal.id, client=client
    )
    assert cancelled.status == models.WithdrawalStatusEnum.CANCELLED
    again = _api(modules, "v1_me_withdrawals_cancel_create").sync(id=withdrawal.id, client=client)
    assert isinstance(again, models.MeWithdrawalsCancelCreateError)
    assert again.code == models.MeWithdrawalsCancelCreateErrorCode.NOT_CANCELLABLE
    assert Withdrawal.objects.get().status == "cancelled"
    assert balances(shopper)["available"] == Decimal("60.00")

    # The gift-card store: buy a voucher with the balance, read the order (codes masked),
    # reveal its code, and a gift-card code that does not exist.
    variant = VariantFactory(product=ProductFactory(slug="acme-card"))
    [code] = add_codes(variant, 1)
    product = _api(modules, "v1_gift_cards_products_retrieve").sync(slug="acme-card", client=client)
    assert [(v.id, v.price, v.in_stock) for v in product.variants] == [(variant.pk, "10.00", True)]
    placed = _api(modules, "v1_me_orders_create").sync(
        client=client,
        body=models.OrderInputRequest(
            items=[models.ItemInputRequest(variant=variant.pk, quantity=1)],
            payment=models.StorePaymentMethodEnum.WALLET,
            idempotency_key="generated-1",
        ),
    )
    assert (placed.status, placed.total, placed.checkout_url) == (
        models.StoreOrderStatusEnum.FULFILLED,
        "10.00",
        None,
    )
    order = _api(modules, "v1_me_orders_retrieve").sync(number=placed.number, client=client)
    [item] = order.items
    assert [c.last4 for c in item.codes] == [code[-4:]]
    revealed = _api(modules, "v1_me_orders_items_reveal_create").sync(
        number=placed.number, id=item.id, client=client
    )
    assert [c.code for c in revealed.codes] == [code]
    unknown = _api(modules, "v1_me_gift_cards_redeem_create").sync(
        client=client, body=models.RedeemInputRequest(code="SBGC-NOPE")
    )
    assert unknown.code == models.MeGiftCardsRedeemCreateErrorCode.UNKNOWN_CODE
    assert balances(shopper)["available"] == Decimal("50.00")

    assert [status for _method, _path, status in check.seen] == [
        200,
        200,
        200,
        201,
        200,
        200,
        409,
        200,
        201,
        200,
        200,
        404,
    ]
