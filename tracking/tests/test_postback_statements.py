"""Exactly what each postback asks of the database (issue 12): the hot paths stay lean.
Every statement is counted (savepoints too, which the test's own transaction adds one
of per atomic block), and the data statements are named in order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.testing import data_statements
from offers.tests.factories import NETWORK_TOKEN
from wallet.models import CashbackEvent

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

CAMPAIGN_TOKEN = "statements-token"


@pytest.fixture
def sale(client):
    """A click and its network, with the ledger's accounts made by a first sale."""
    click = ClickFactory()
    url = f"/postback/{click.merchant.network.slug}/"
    params = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "sale_amount": "120.00",
        "commission": "12.00",
    }
    client.get(url, {**params, "txn_id": "warm-up"})
    return url, params


@pytest.fixture
def conversion_click():
    campaign = CampaignFactory(slug="statements", token=CAMPAIGN_TOKEN)
    GoalFactory(campaign=campaign, tracking_code="DEMOSALE01")  # the default goal
    return AffiliateClickFactory(link=LinkFactory(campaign=campaign))


def _get(client, url, params):
    """The response, how many statements it took and the data statements among them."""
    with CaptureQueriesContext(connection) as everything, data_statements() as data:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json(), len(everything.captured_queries), data


def test_a_new_network_sale(client, sale):
    url, params = sale

    body, count, data = _get(client, url, {**params, "txn_id": "T-new"})

    assert body["duplicate"] is False
    assert data == [
        "SELECT offers_network",
        "SELECT tracking_click",  # its store and the known event joined
        "INSERT wallet_cashbackevent",  # ON CONFLICT DO NOTHING: no savepoint
        "INSERT wallet_transaction",  # likewise
        "SELECT wallet_account",
        "UPDATE wallet_account",
        "INSERT wallet_entry",
        "INSERT tracking_postbacklog",
    ]
    assert count == 12  # and the savepoints of two atomic blocks


def test_a_duplicate_network_sale(client, sale):
    url, params = sale
    client.get(url, {**params, "txn_id": "T-dup"})

    body, count, data = _get(client, url, {**params, "txn_id": "T-dup"})

    assert body["duplicate"] is True
    assert data == [
        "SELECT offers_network",
        "SELECT tracking_click",
        "SELECT wallet_cashbackevent",  # locked, to judge the report by its state
        "INSERT tracking_postbacklog",
    ]
    assert count == 6


def test_a_network_approval(client, sale):
    url, params = sale
    client.get(url, {**params, "txn_id": "T-approve"})

    body, count, data = _get(client, url, {**params, "txn_id": "T-approve", "status": "approved"})

    assert (body["duplicate"], body["event"]["network_status"]) == (False, "approved")
    assert data == [
        "SELECT offers_network",
        "SELECT tracking_click",
        "SELECT wallet_cashbackevent",
        "UPDATE wallet_cashbackevent",
        "INSERT tracking_postbacklog",
    ]
    assert count == 7
    assert CashbackEvent.objects.get(external_txn_id="T-approve").network_approved_at is not None


def test_a_new_conversion(client, conversion_click):
    params = {
        "token": CAMPAIGN_TOKEN,
        "click_id": str(conversion_click.click_id),
        "txn_id": "C-new",
    }

    body, count, data = _get(client, "/postback/conversion/", {**params, "amount": "80.00"})

    assert (body["duplicate"], body["conversion"]["commission"]) == (False, "10.00")
    assert data == [
        "SELECT campaigns_campaign",
        "SELECT tracking_affiliateclick",  # and whether the transaction is known, joined
        "SELECT campaigns_goal",  # with the partner and the partner's own rate, joined
        "INSERT affiliates_conversion",  # ON CONFLICT DO NOTHING: no savepoint
        "UPDATE affiliates_link",
        "SELECT affiliates_partnerpostback",
        "INSERT tracking_postbacklog",
    ]
    assert count == 9


def test_a_duplicate_conversion(client, conversion_click):
    params = {
        "token": CAMPAIGN_TOKEN,
        "click_id": str(conversion_click.click_id),
        "txn_id": "C-dup",
    }
    client.get("/postback/conversion/", {**params, "amount": "80.00"})

    body, count, data = _get(client, "/postback/conversion/", {**params, "amount": "80.00"})

    assert (body["duplicate"], body["conversion"]["goal"]) == (True, "DEMOSALE01")
    assert data == [
        "SELECT campaigns_campaign",
        "SELECT tracking_affiliateclick",
        "SELECT affiliates_conversion",  # with its goal, outside any transaction
        "INSERT tracking_postbacklog",
    ]
    assert count == 4
