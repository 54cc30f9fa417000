"""Every parameter that counts has one value, and a signature vouches for all of them."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from affiliates.models import Conversion
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from wallet.models import CashbackEvent, Transaction

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-hmac-key"
CONVERSION_URL = "/postback/conversion/"


def _url(network, query=""):
    return reverse("tracking:network-postback", args=[network.slug]) + query


def _signed(payload: bytes):
    at = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"HTTP_X_POSTBACK_TIMESTAMP": at, "HTTP_X_POSTBACK_SIGNATURE": digest}


def _assert_nothing_but_the_log(response, code):
    assert response.status_code == 400, response.content
    assert response.json() == {"status": "error", "code": code, "detail": response.json()["detail"]}
    assert (CashbackEvent.objects.count(), Transaction.objects.count()) == (0, 0)
    assert not Conversion.objects.exists()
    log = PostbackLog.objects.get()
    assert (log.outcome, log.http_status, log.code, log.authenticated) == (
        "failure",
        400,
        code,
        False,
    )


@pytest.fixture
def signed_network():
    return NetworkFactory(hmac_secret=SECRET)


def test_a_signed_body_cannot_be_changed_by_the_query_string(client, signed_network):
    """The attack: a captured signed body for a sale, sent again within its 300 s with the
    query saying more (here: that the sale was approved)."""
    click = ClickFactory(merchant=MerchantFactory(network=signed_network))
    body = json.dumps(
        {"click_id": str(click.click_id), "txn_id": "S1", "sale_amount": "10", "commission": "1"}
    ).encode()

    response = client.post(
        _url(signed_network, "?status=approved&currency=USD"),
        body,
        content_type="application/json",
        **_signed(body),
    )

    _assert_nothing_but_the_log(response, "unsigned_parameters")
    assert "send currency, status in the body" in response.json()["detail"]


def test_a_signed_body_cannot_be_retargeted_at_another_click(client, signed_network):
    victim = ClickFactory(merchant=MerchantFactory(network=signed_network))
    accomplice = ClickFactory(merchant=victim.merchant)
    body = json.dumps(
        {"click_id": str(victim.click_id), "txn_id": "S1", "sale_amount": "10", "commission": "1"}
    ).encode()

    response = client.post(
        _url(signed_network, f"?click_id={accomplice.click_id}"),
        body,
        content_type="application/json",
        **_signed(body),
    )

    _assert_nothing_but_the_log(response, "duplicate_parameter")


def test_any_query_parameter_on_a_signed_post_is_refused(client, signed_network):
    click = ClickFactory(merchant=MerchantFactory(network=signed_network))
    body = f"click_id={click.click_id}&txn_id=S1&sale_amount=10.00&commission=1.00".encode()

    response = client.post(
        _url(signed_network, "?utm_source=x"),
        body,
        content_type="application/x-www-form-urlencoded",
        **_signed(body),
    )

    _assert_nothing_but_the_log(response, "unsigned_parameters")


def test_a_signed_post_with_everything_in_the_body_still_works(client, signed_network):
    click = ClickFactory(merchant=MerchantFactory(network=signed_network))
    body = f"click_id={click.click_id}&txn_id=S1&sale_amount=10.00&commission=1.00".encode()

    response = client.post(
        _url(signed_network),
        body,
        content_type="application/x-www-form-urlencoded",
        **_signed(body),
    )

    assert response.status_code == 200, response.json()
    assert CashbackEvent.objects.get().external_txn_id == "S1"


def test_a_token_authenticated_post_may_still_use_the_query(client):
    """The token covers the whole request; only a signature is limited to its bytes."""
    click = ClickFactory()

    response = client.post(
        _url(click.merchant.network, f"?token={NETWORK_TOKEN}"),
        {
            "click_id": str(click.click_id),
            "txn_id": "T1",
            "sale_amount": "10.00",
            "commission": "1.00",
        },
    )

    assert response.status_code == 200


# --- one value per parameter -----------------------------------------------------------


def _sale_query(click, txn="T1"):
    return (
        f"token={NETWORK_TOKEN}&click_id={click.click_id}&txn_id={txn}"
        "&sale_amount=100.00&commission=8.00"
    )


@pytest.mark.parametrize(
    "extra", ["&txn_id=T2", "&txn_id=T1", "&token=other", "&commission=", "&click_id=x"]
)
def test_a_repeated_query_parameter_is_refused_by_the_network_postback(client, extra):
    click = ClickFactory()

    response = client.get(_url(click.merchant.network, f"?{_sale_query(click)}{extra}"))

    _assert_nothing_but_the_log(response, "duplicate_parameter")


def test_a_repeated_form_field_is_refused(client):
    click = ClickFactory()

    response = client.post(
        _url(click.merchant.network),
        f"{_sale_query(click)}&txn_id=T2",
        content_type="application/x-www-form-urlencoded",
    )

    _assert_nothing_but_the_log(response, "duplicate_parameter")


def test_a_repeated_json_key_is_refused(client):
    click = ClickFactory()
    body = (
        f'{{"token": "{NETWORK_TOKEN}", "click_id": "{click.click_id}", "txn_id": "T1", '
        '"txn_id": "T2", "sale_amount": "100.00", "commission": "8.00"}'
    )

    response = client.post(_url(click.merchant.network), body, content_type="application/json")

    _assert_nothing_but_the_log(response, "duplicate_parameter")


def test_a_parameter_in_both_the_query_and_the_body_is_refused(client):
    click = ClickFactory()

    response = client.post(
        _url(click.merchant.network, "?txn_id=T2"),
        _sale_query(click),
        content_type="application/x-www-form-urlencoded",
    )

    _assert_nothing_but_the_log(response, "duplicate_parameter")


def test_two_names_for_one_parameter_with_different_values_are_refused(client):
    network = NetworkFactory(convention="tune")
    click = ClickFactory(merchant=MerchantFactory(network=network))

    refused = client.get(_url(network, f"?{_sale_query(click)}&transaction_id=T2"))
    same = client.get(_url(network, f"?{_sale_query(click)}&transaction_id=T1"))

    assert (refused.status_code, refused.json()["code"]) == (400, "duplicate_parameter")
    assert "txn_id and transaction_id" in refused.json()["detail"]
    assert same.status_code == 200
    assert CashbackEvent.objects.get().external_txn_id == "T1"


@pytest.mark.parametrize("where", ["query", "form"])
def test_a_repeated_parameter_is_refused_by_the_conversion_postback(client, where):
    campaign = CampaignFactory(token="conversion-token-1")
    GoalFactory(campaign=campaign)
    click = AffiliateClickFactory(link__campaign=campaign)
    query = f"token=conversion-token-1&click_id={click.click_id}&txn_id=C1&txn_id=C2&amount=5"

    if where == "query":
        response = client.get(f"{CONVERSION_URL}?{query}")
    else:
        response = client.post(
            CONVERSION_URL, query, content_type="application/x-www-form-urlencoded"
        )

    _assert_nothing_but_the_log(response, "duplicate_parameter")
