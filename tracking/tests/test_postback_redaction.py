"""No credential reaches the postback log: everyone who may read tracking reads the log."""

import hashlib
import hmac
import importlib
import io
import json
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from tracking.services.postback_log import postback_logs_redact
from tracking.services.replay import network_report_import
from wallet.models import Account, CashbackEvent

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

R = "[redacted]"


def _url(network):
    return reverse("tracking:network-postback", args=[network.slug])


def _sale(click, **extra):
    return {
        "click_id": str(click.click_id),
        "txn_id": "T1",
        "sale_amount": "100.00",
        "commission": "8.00",
        **extra,
    }


def _pending(user):
    return Account.objects.get(owner=user, kind="pending").balance


def test_the_token_in_a_query_string_is_redacted_and_the_rest_kept(client):
    click = ClickFactory()

    response = client.get(_url(click.merchant.network), _sale(click, token=NETWORK_TOKEN))

    assert response.status_code == 200
    log = PostbackLog.objects.get()
    assert log.query == {**_sale(click), "token": R}
    assert NETWORK_TOKEN not in json.dumps([log.query, log.body, log.headers])


def test_a_wrong_token_is_redacted_too(client):
    click = ClickFactory()

    client.get(_url(click.merchant.network), _sale(click, token="someone-elses-real-token"))

    log = PostbackLog.objects.get()
    assert (log.code, log.query["token"]) == ("invalid_token", R)


def test_a_networks_own_name_for_the_token_is_redacted(client):
    network = NetworkFactory(param_aliases={"security": "token"})
    click = ClickFactory(merchant=MerchantFactory(network=network))

    response = client.get(_url(network), _sale(click, security=NETWORK_TOKEN))

    assert response.status_code == 200
    assert PostbackLog.objects.get().query["security"] == R


def test_a_networks_own_name_for_the_token_is_redacted_at_a_wrong_slug_too(client):
    NetworkFactory(param_aliases={"security": "token"})

    response = client.get(
        reverse("tracking:network-postback", args=["renamed-network"]),
        {"security": NETWORK_TOKEN, "txn_id": "T9"},
    )

    assert response.status_code == 404
    log = PostbackLog.objects.get()
    assert (log.code, log.query) == ("unknown_network", {"security": R, "txn_id": "T9"})


@pytest.mark.parametrize(
    "name", ["api_key", "apiKey", "password", "client_secret", "signature", "auth", "key"]
)
def test_anything_named_like_a_credential_is_redacted(client, name):
    click = ClickFactory()

    client.get(_url(click.merchant.network), _sale(click, token=NETWORK_TOKEN, **{name: "s3"}))

    assert PostbackLog.objects.get().query[name] == R


def test_a_form_body_keeps_everything_but_the_token_byte_for_byte(client):
    click = ClickFactory()
    body = (
        f"click_id={click.click_id}&txn_id=T+1&token={NETWORK_TOKEN}"
        "&sale_amount=100.00&commission=8.00"
    )

    response = client.post(
        _url(click.merchant.network), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert PostbackLog.objects.get().body == body.replace(NETWORK_TOKEN, R)


def test_a_json_body_is_redacted_with_its_numbers_as_sent(client):
    click = ClickFactory()
    body = (
        f'{{"token": "{NETWORK_TOKEN}", "click_id": "{click.click_id}", "txn_id": "J1",'
        ' "sale_amount": 20.50, "commission": 2, "meta": {"api_key": "k"}}'
    )

    client.post(_url(click.merchant.network), body, content_type="application/json")

    stored = PostbackLog.objects.get().body
    assert NETWORK_TOKEN not in stored
    assert '"sale_amount": 20.50' in stored
    assert json.loads(stored)["token"] == R
    assert json.loads(stored)["meta"] == {"api_key": R}


def test_an_unreadable_body_that_names_a_credential_is_not_kept(client):
    click = ClickFactory()

    client.post(
        _url(click.merchant.network),
        f'{{"token": "{NETWORK_TOKEN}", "click_id": ',
        content_type="application/json",
    )

    assert PostbackLog.objects.get().body == R


def test_the_signature_header_is_redacted_and_the_timestamp_kept(client):
    network = NetworkFactory(hmac_secret="s3cret-hmac-key")
    click = ClickFactory(merchant=MerchantFactory(network=network))
    body = json.dumps(_sale(click)).encode()
    at = str(int(time.time()))
    digest = hmac.new(b"s3cret-hmac-key", f"{at}.".encode() + body, hashlib.sha256).hexdigest()

    response = client.post(
        _url(network),
        body,
        content_type="application/json",
        HTTP_X_POSTBACK_TIMESTAMP=at,
        HTTP_X_POSTBACK_SIGNATURE=digest,
    )

    assert response.status_code == 200
    headers = PostbackLog.objects.get().headers
    assert (headers["X-Postback-Signature"], headers["X-Postback-Timestamp"]) == (R, at)


def test_the_campaigns_token_in_a_conversion_postback_is_redacted(client):
    campaign = CampaignFactory(token="conversion-token-1")
    GoalFactory(campaign=campaign)
    click = AffiliateClickFactory(link__campaign=campaign)

    response = client.get(
        "/postback/conversion/",
        {"token": "conversion-token-1", "click_id": str(click.click_id), "txn_id": "C1"},
    )

    assert response.status_code == 200
    assert PostbackLog.objects.get().query["token"] == R


def test_a_report_file_row_with_a_token_is_logged_redacted():
    click = ClickFactory()

    network_report_import(
        network=click.merchant.network, rows=[(2, _sale(click, token=NETWORK_TOKEN))]
    )

    log = PostbackLog.objects.get()
    assert (log.method, log.outcome, log.query["token"]) == ("REPORT", "success", R)


def test_a_redacted_row_replays(capsys):
    """A postback that authenticated and then met an outage is replayed without its
    token: authentication was decided when it arrived."""
    click = ClickFactory()
    network = click.merchant.network
    PostbackLog.objects.create(
        kind="network",
        source=network.slug,
        network=network,
        method="POST",
        authenticated=True,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=f"token={R}&click_id={click.click_id}&txn_id=LOST-1&sale_amount=100.00"
        "&commission=8.00",
        outcome="failure",
        http_status=503,
        code="database_unavailable",
    )

    call_command("replay_postbacks", "--since", "2000-01-01", stdout=io.StringIO())

    assert CashbackEvent.objects.get().external_txn_id == "LOST-1"
    assert _pending(click.user) == Decimal("8.00")
    replayed = PostbackLog.objects.get(method="REPLAY")
    assert (replayed.outcome, replayed.query["token"]) == ("success", R)


def _unredacted_rows(network):
    """Rows as they were written before redaction (straight to the table)."""
    return [
        PostbackLog.objects.create(
            kind="network",
            source=network.slug,
            network=network,
            method="GET",
            query={"token": NETWORK_TOKEN, "txn_id": "OLD-1"},
            headers={"X-Postback-Signature": "abc123", "User-Agent": "net/1"},
        ),
        PostbackLog.objects.create(
            kind="network",
            source=network.slug,
            network=network,
            method="POST",
            query={"security": NETWORK_TOKEN},
            body=f"txn_id=OLD-2&token={NETWORK_TOKEN}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        PostbackLog.objects.create(
            kind="conversion", source="shop", method="GET", query={"token": "campaign-tok"}
        ),
        PostbackLog.objects.create(
            kind="network", source="gone", method="GET", query={"txn_id": "CLEAN"}
        ),
    ]


def test_the_migration_redacts_rows_written_before():
    network = NetworkFactory(param_aliases={"security": "token"})
    rows = _unredacted_rows(network)
    migration = importlib.import_module("tracking.migrations.0004_redact_postback_log_credentials")

    migration.redact(apps, None)

    first, second, conversion, clean = (PostbackLog.objects.get(pk=row.pk) for row in rows)
    assert first.query == {"token": R, "txn_id": "OLD-1"}
    assert first.headers == {"X-Postback-Signature": R, "User-Agent": "net/1"}
    assert (second.query, second.body) == ({"security": R}, f"txn_id=OLD-2&token={R}")
    assert conversion.query == {"token": R}
    assert clean.query == {"txn_id": "CLEAN"}
    assert postback_logs_redact(PostbackLog) == 0  # nothing left: safe to run again


def test_redacting_old_rows_works_in_batches():
    network = NetworkFactory(param_aliases={"security": "token"})
    _unredacted_rows(network)

    assert postback_logs_redact(PostbackLog, batch_size=2) == 3
    assert not PostbackLog.objects.filter(query__token=NETWORK_TOKEN).exists()
