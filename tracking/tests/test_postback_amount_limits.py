"""One huge amount must not break the books: refused at every edge and at the ledger, and
balances wide enough that sums of allowed amounts never overflow their column."""

from decimal import Decimal

import pytest
from django.urls import reverse

from affiliates.models import Conversion
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.money import AmountTooLarge
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from wallet.models import Account, CashbackEvent, Entry, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
HUGE = "999999999999.99"  # the largest a 14-digit money column holds


def _postback(client, click, txn, sale, commission):
    return client.get(
        reverse("tracking:network-postback", args=[click.merchant.network.slug]),
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": txn,
            "sale_amount": sale,
            "commission": commission,
        },
    )


def _books():
    return (Transaction.objects.count(), Entry.objects.count(), CashbackEvent.objects.count())


def test_a_huge_postback_is_refused_and_the_next_one_still_works(client):
    click = ClickFactory()

    huge = _postback(client, click, "HUGE", HUGE, HUGE)

    assert huge.status_code == 400
    assert huge.json()["code"] == "amount_too_large"
    assert _books() == (0, 0, 0)
    assert PostbackLog.objects.get().code == "amount_too_large"

    normal = _postback(client, click, "T1", "100.00", "8.00")

    assert normal.status_code == 200, normal.json()
    receivable = Account.objects.get(owner=None, kind="network_receivable").balance
    assert receivable == D("8.00")
    assert wallet_audit() == []


@pytest.mark.parametrize(
    ("sale", "commission", "accepted"),
    [
        ("1000000.00", "1000000.00", True),
        ("1000000.01", "8.00", False),
        ("100.00", "1000000.01", False),
    ],
)
def test_the_limit_is_max_transaction_amount_inclusive(client, sale, commission, accepted):
    click = ClickFactory()

    response = _postback(client, click, "T1", sale, commission)

    assert response.status_code == (200 if accepted else 400)
    assert CashbackEvent.objects.count() == (1 if accepted else 0)


def test_the_limit_follows_the_setting(client, settings):
    settings.MAX_TRANSACTION_AMOUNT = D("500.00")
    click = ClickFactory()

    response = _postback(client, click, "T1", "500.01", "8.00")

    assert (response.status_code, response.json()["code"]) == (400, "amount_too_large")


def test_a_huge_conversion_amount_is_refused(client):
    campaign = CampaignFactory(token="conversion-token-1")
    GoalFactory(campaign=campaign)
    click = AffiliateClickFactory(link__campaign=campaign)

    response = client.get(
        "/postback/conversion/",
        {
            "token": "conversion-token-1",
            "click_id": str(click.click_id),
            "txn_id": "C1",
            "amount": HUGE,
        },
    )

    assert (response.status_code, response.json()["code"]) == (400, "amount_too_large")
    assert not Conversion.objects.exists()


def test_a_huge_commission_from_a_goal_is_refused_before_it_is_recorded(client, settings):
    """Commissions are credited later in batches: one too large would stop every batch."""
    settings.MAX_TRANSACTION_AMOUNT = D("5.00")
    campaign = CampaignFactory(token="conversion-token-1")
    GoalFactory(campaign=campaign)  # a fixed 10.00
    click = AffiliateClickFactory(link__campaign=campaign)

    response = client.get(
        "/postback/conversion/",
        {"token": "conversion-token-1", "click_id": str(click.click_id), "txn_id": "C1"},
    )

    assert (response.status_code, response.json()["code"]) == (400, "amount_too_large")
    assert not Conversion.objects.exists()


def test_the_ledger_refuses_a_line_above_the_maximum():
    click = ClickFactory()

    with pytest.raises(AmountTooLarge) as refused:
        ledger_post(
            kind="test",
            idempotency_key="huge",
            lines=transfer(
                platform_account("bonus_expense"),
                user_account(click.user, "available"),
                D("1000000.01"),
            ),
        )

    assert (refused.value.code, refused.value.http_status) == ("amount_too_large", 400)
    assert (Transaction.objects.count(), Entry.objects.count()) == (0, 0)


@pytest.mark.postgres  # SQLite keeps decimals of more than 15 digits as floats
def test_balances_hold_far_more_than_one_money_column(client):
    """Twenty digits: a 14-digit balance column overflowed here (PostgreSQL)."""
    click = ClickFactory()
    beyond = D("99999999999999999.99") - D("8.00")
    # Stand-in for a very long history of allowed amounts (too many to post in a test).
    Account.objects.create(owner=None, kind="network_receivable", currency="USD", balance=beyond)

    response = _postback(client, click, "T1", "100.00", "8.00")

    assert response.status_code == 200, response.json()
    account = Account.objects.get(owner=None, kind="network_receivable")
    assert account.balance == D("99999999999999999.99")
    assert Entry.objects.get(account=account).balance_after == D("99999999999999999.99")
