import hashlib
import hmac
import json
import time
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from config.testing import data_statements
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from wallet.models import Account, CashbackEvent, Entry, Transaction

from .factories import ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _url(network):
    return reverse("tracking:network-postback", args=[network.slug])


def _params(click, **overrides):
    params = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "T1",
        "sale_amount": "100.00",
        "commission": "8.00",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def _pending(user):
    return (
        Account.objects.filter(owner=user, kind="pending").values_list("balance", flat=True).first()
    )


def _ledger_state():
    return (Transaction.objects.count(), Entry.objects.count(), CashbackEvent.objects.count())


def test_a_postback_records_pending_cashback_and_says_so(client):
    click = ClickFactory()

    response = client.get(_url(click.merchant.network), _params(click))

    assert response.status_code == 200
    event = CashbackEvent.objects.get()
    assert response.json() == {
        "status": "ok",
        "event": {
            "id": event.pk,
            "status": "pending",
            "network_status": "pending",
            "cashback": "8.00",  # 10% of 100.00 = 10.00, capped by the 8.00 commission
            "currency": "USD",
        },
        "duplicate": False,
    }
    assert (event.user, event.click_uuid, event.external_txn_id) == (
        click.user,
        click.click_id,
        "T1",
    )
    assert _pending(click.user) == D("8.00")
    log = PostbackLog.objects.get()
    assert (log.outcome, log.http_status, log.authenticated, log.event, log.txn_id) == (
        "success",
        200,
        True,
        event,
        "T1",
    )
    assert log.query["click_id"] == str(click.click_id)


def test_the_same_postback_again_is_a_duplicate_and_changes_nothing(client):
    click = ClickFactory()
    client.get(_url(click.merchant.network), _params(click))
    before = _ledger_state()

    response = client.get(_url(click.merchant.network), _params(click))

    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert _ledger_state() == before
    assert _pending(click.user) == D("8.00")
    assert list(PostbackLog.objects.order_by("id").values_list("outcome", flat=True)) == [
        "success",
        "duplicate",
    ]


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_post_works_like_get(client, encoding):
    click = ClickFactory()
    params = _params(click, sale_amount="50.00", commission="6.00")
    if encoding == "json":
        body = {**params, "sale_amount": 50.0, "commission": 6}
        response = client.post(
            _url(click.merchant.network), json.dumps(body), content_type="application/json"
        )
    else:
        response = client.post(_url(click.merchant.network), params)

    assert response.status_code == 200
    assert response.json()["event"]["cashback"] == "5.00"
    assert _pending(click.user) == D("5.00")


def test_status_updates_move_the_event_along(client):
    click = ClickFactory()
    url = _url(click.merchant.network)
    client.get(url, _params(click))

    approved = client.get(url, _params(click, status="approved"))
    reversed_ = client.get(url, _params(click, status="reversed"))

    assert approved.json()["event"]["network_status"] == "approved"
    assert reversed_.json()["event"]["status"] == "reversed"
    assert _pending(click.user) == D("0.00")


def test_a_move_outside_the_table_is_409_and_changes_nothing(client):
    click = ClickFactory()
    url = _url(click.merchant.network)
    client.get(url, _params(click, status="rejected"))
    before = _ledger_state()

    response = client.get(url, _params(click, status="approved"))

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert _ledger_state() == before


def _assert_refused(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["status"], body["code"]) == ("error", code)
    assert body["detail"]
    assert Transaction.objects.count() == 0
    assert CashbackEvent.objects.count() == 0
    log = PostbackLog.objects.get()
    assert (log.outcome, log.http_status, log.code) == ("failure", status, code)


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"token": "wrong-token"}, 403, "invalid_token"),
        ({"token": None}, 403, "missing_credentials"),
        ({"click_id": None}, 400, "missing_field"),
        ({"txn_id": ""}, 400, "missing_field"),
        ({"commission": None}, 400, "missing_field"),
        ({"click_id": "{click_id}"}, 400, "invalid_click_id"),
        ({"click_id": str(uuid.uuid4())}, 404, "unknown_click"),
        ({"sale_amount": "abc"}, 400, "invalid_amount"),
        ({"sale_amount": "NaN"}, 400, "invalid_amount"),
        ({"commission": "Infinity"}, 400, "invalid_amount"),
        # A chargeback of a sale never reported: it may still arrive, nothing is recorded.
        ({"commission": "-1.00"}, 409, "unknown_transaction"),
        ({"sale_amount": "1e30"}, 400, "invalid_amount"),
        ({"sale_amount": "1000000000000"}, 400, "amount_too_large"),
        # Another currency is converted; with no rate for it yet, nothing is written.
        ({"currency": "EUR"}, 422, "no_fx_rate"),
        ({"status": "paid"}, 400, "unknown_status"),
        ({"txn_id": "x" * 256}, 400, "invalid_txn_id"),
        ({"currency": "EURO"}, 400, "unsupported_currency"),
        ({"currency": "E1R"}, 400, "unsupported_currency"),
    ],
)
def test_bad_postbacks_are_refused_with_a_code_and_credit_nothing(client, overrides, status, code):
    click = ClickFactory()

    response = client.get(_url(click.merchant.network), _params(click, **overrides))

    _assert_refused(response, status, code)


def test_unknown_network_is_404_and_logged(client):
    response = client.get(reverse("tracking:network-postback", args=["nope"]), {"token": "x"})

    _assert_refused(response, 404, "unknown_network")
    assert PostbackLog.objects.get().source == "nope"


def test_a_click_for_another_networks_store_is_refused(client):
    click = ClickFactory()
    other = NetworkFactory()

    response = client.get(_url(other), _params(click))

    _assert_refused(response, 400, "click_network_mismatch")


def test_an_anonymous_click_earns_nothing(client):
    click = ClickFactory(user=None)

    response = client.get(_url(click.merchant.network), _params(click))

    _assert_refused(response, 422, "anonymous_click")


def test_malformed_json_body_is_400(client):
    click = ClickFactory()

    response = client.post(
        _url(click.merchant.network), "{not json", content_type="application/json"
    )

    _assert_refused(response, 400, "invalid_body")


def test_ip_allowlist(client):
    network = NetworkFactory(ip_allowlist="198.51.100.0/24\n2001:db8::1")
    click = ClickFactory(merchant=MerchantFactory(network=network))

    refused = client.get(_url(network), _params(click), REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 403
    assert refused.json()["code"] == "ip_not_allowed"
    allowed = client.get(_url(network), _params(click), REMOTE_ADDR="198.51.100.77")
    assert allowed.status_code == 200


def _signed(secret, payload: bytes, at=None):
    at = int(at if at is not None else time.time())
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"HTTP_X_POSTBACK_TIMESTAMP": str(at), "HTTP_X_POSTBACK_SIGNATURE": digest}


def test_hmac_signed_postbacks(client):
    network = NetworkFactory(hmac_secret="s3cret-hmac-key")
    click = ClickFactory(merchant=MerchantFactory(network=network))
    body = json.dumps(_params(click, token=None)).encode()
    url = _url(network)

    good = client.post(
        url, body, content_type="application/json", **_signed("s3cret-hmac-key", body)
    )
    bad = client.post(url, body, content_type="application/json", **_signed("wrong-key", body))
    stale = client.post(
        url,
        body,
        content_type="application/json",
        **_signed("s3cret-hmac-key", body, at=time.time() - 3600),
    )

    assert good.status_code == 200
    assert (bad.status_code, bad.json()["code"]) == (403, "invalid_signature")
    assert (stale.status_code, stale.json()["code"]) == (403, "stale_signature")
    assert CashbackEvent.objects.count() == 1


def test_hmac_over_a_get_query_string(client):
    network = NetworkFactory(hmac_secret="s3cret-hmac-key")
    click = ClickFactory(merchant=MerchantFactory(network=network))
    query = f"click_id={click.click_id}&txn_id=G1&sale_amount=20.00&commission=2.00"

    response = client.get(f"{_url(network)}?{query}", **_signed("s3cret-hmac-key", query.encode()))

    assert response.status_code == 200
    assert response.json()["event"]["cashback"] == "2.00"


@pytest.mark.parametrize(
    ("convention", "query", "expected_status"),
    [
        (
            "everflow",
            "sub1={click}&conversion_id=E1&sale_amount=100&payout=8&status=approved",
            "approved",
        ),
        (
            "everflow",
            "sub1={click}&conversion_id=E2&sale_amount=100&payout=8&status=invalid",
            "rejected",
        ),
        ("tune", "aff_sub={click}&transaction_id=TU1&sale_amount=100&payout=8", "pending"),
        ("affise", "sub1={click}&transactionid=A1&order_sum=100&sum=8&status=1", "approved"),
        ("affise", "sub1={click}&transactionid=A2&order_sum=100&sum=8&status=5", "pending"),
        ("affise", "sub1={click}&transactionid=A3&order_sum=100&sum=8&status=3", "rejected"),
        ("cake", "s2={click}&leadid=C1&sale_amount=100&price=8", "pending"),
        ("pap", "data1={click}&orderid=P1&totalcost=100&commission=8&status=A", "approved"),
        ("pap", "data1={click}&orderid=P2&totalcost=100&commission=8&status=D", "rejected"),
    ],
)
def test_network_conventions(client, convention, query, expected_status):
    network = NetworkFactory(convention=convention)
    click = ClickFactory(merchant=MerchantFactory(network=network))
    url = f"{_url(network)}?token={NETWORK_TOKEN}&{query.format(click=click.click_id)}"

    response = client.get(url)

    assert response.status_code == 200, response.json()
    assert response.json()["event"]["network_status"] == expected_status
    assert CashbackEvent.objects.get().sale_amount == D("100.00")


def test_staff_aliases_and_status_map_extend_a_convention(client):
    network = NetworkFactory(
        convention="tune", param_aliases={"subid": "click_id"}, status_map={"ok": "approved"}
    )
    click = ClickFactory(merchant=MerchantFactory(network=network))

    response = client.get(
        _url(network),
        {
            "token": NETWORK_TOKEN,
            "subid": str(click.click_id),
            "transaction_id": "X1",
            "sale_amount": "10",
            "payout": "1",
            "status": "ok",
        },
    )

    assert response.json()["event"]["network_status"] == "approved"


def test_a_postback_makes_exactly_these_queries(client):
    click = ClickFactory()
    url = _url(click.merchant.network)
    client.get(url, _params(click, txn_id="warm-up"))  # creates the ledger accounts

    with data_statements() as statements:
        response = client.get(url, _params(click, txn_id="T-count"))

    assert response.status_code == 200
    assert statements == [
        "SELECT offers_network",
        "SELECT tracking_click",
        "INSERT wallet_cashbackevent",
        "INSERT wallet_transaction",
        "SELECT wallet_account",
        "UPDATE wallet_account",
        "INSERT wallet_entry",
        "INSERT tracking_postbacklog",
    ]


def test_a_later_report_about_a_known_sale_makes_exactly_these_queries(client):
    """The click's read tells the service the sale exists: no INSERT is tried and failed."""
    click = ClickFactory()
    url = _url(click.merchant.network)
    client.get(url, _params(click, txn_id="T-known"))

    with data_statements() as statements:
        response = client.get(url, _params(click, txn_id="T-known"))

    assert (response.status_code, response.json()["duplicate"]) == (200, True)
    assert statements == [
        "SELECT offers_network",
        "SELECT tracking_click",
        "SELECT wallet_cashbackevent",
        "INSERT tracking_postbacklog",
    ]


def test_user_of_the_click_gets_the_money_not_the_caller(client):
    click = ClickFactory()
    intruder = UserFactory()
    client.force_login(intruder)

    client.get(_url(click.merchant.network), _params(click))

    assert _pending(click.user) == D("8.00")
    assert _pending(intruder) is None
