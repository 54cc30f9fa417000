"""Review: idempotency on (transaction, amounts) counts the totals a chargeback left.

amendments.py: "amounts this transaction has carried before (its first report's, or any
applied change's) are a repeat". A partial chargeback is an applied change: the totals it
left are amounts the transaction carried, so a late retry of a report of those totals
(a report re-read by the next sync) must not undo a change made since."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from offers.tests.factories import NETWORK_TOKEN
from tracking.tests.factories import ClickFactory
from wallet.models import Account, CashbackAmendment, CashbackEvent

pytestmark = pytest.mark.django_db

D = Decimal


def _postback(client, click, sale_amount, commission):
    response = client.get(
        f"/postback/{click.merchant.network.slug}/",
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "T1",
            "sale_amount": sale_amount,
            "commission": commission,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["duplicate"]


def test_totals_a_chargeback_left_are_a_repeat_after_a_later_change(client):
    click = ClickFactory()  # 10% of the sale
    _postback(client, click, "100.00", "20.00")
    assert _postback(client, click, "-30.00", "-6.00") is False  # → 70.00 / 14.00
    assert _postback(client, click, "50.00", "10.00") is False  # new totals

    resent = _postback(client, click, "70.00", "14.00")  # the chargeback's totals, re-read

    assert resent is True
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.cashback_amount) == (
        D("50.00"),
        D("10.00"),
        D("5.00"),
    )
    assert Account.objects.get(owner=click.user, kind="pending").balance == D("5.00")
    assert CashbackAmendment.objects.count() == 2
    call_command("wallet_audit")
