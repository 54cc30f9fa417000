"""Review: amounts in another currency are held to MAX_TRANSACTION_AMOUNT after
conversion, as the conversion postback holds them: a sale that converts to more than the
largest amount we accept is refused (400 amount_too_large) and records nothing, never
stored above the limit, and never a database overflow answered as 503 (retry forever)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from wallet.models import CashbackEvent, FxRate, Transaction

from .factories import ClickFactory

D = Decimal


def _send(client, click, sale_amount, commission):
    return client.get(
        f"/postback/{click.merchant.network.slug}/",
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "EU-1",
            "sale_amount": sale_amount,
            "commission": commission,
            "currency": "EUR",
        },
    )


def _assert_too_large(response, field):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "amount_too_large"
    assert response.json()["detail"].startswith(field)
    assert CashbackEvent.objects.count() == 0
    assert Transaction.objects.count() == 0
    assert PostbackLog.objects.get().code == "amount_too_large"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sale_amount", "commission", "field"),
    [
        ("1000000.00", "8.00", "sale_amount"),  # 1,200,000.00 once converted
        ("100.00", "1000000.00", "commission"),
    ],
)
def test_an_amount_over_the_limit_once_converted_is_refused(client, sale_amount, commission, field):
    click = ClickFactory()
    FxRate.objects.create(date=timezone.localdate(), currency="EUR", rate=D("1.2"))

    _assert_too_large(_send(client, click, sale_amount, commission), field)


@pytest.mark.django_db
def test_the_limit_itself_converted_at_one_is_accepted(client):
    click = ClickFactory()
    FxRate.objects.create(date=timezone.localdate(), currency="EUR", rate=D("1"))

    response = _send(client, click, "1000000.00", "8.00")

    assert response.status_code == 200, response.content
    assert CashbackEvent.objects.get().sale_amount == D("1000000.00")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_huge_rate_is_refused_not_a_database_overflow(client):
    """10^6 x 10^10 does not fit the money column: PostgreSQL raised numeric field
    overflow, answered 503 database_unavailable, and the network retried for ever."""
    click = ClickFactory()
    FxRate.objects.create(date=timezone.localdate(), currency="EUR", rate=D("9999999999"))

    _assert_too_large(_send(client, click, "1000000.00", "0.00"), "sale_amount")
