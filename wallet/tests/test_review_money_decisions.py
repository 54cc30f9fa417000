"""Review: a staff decision on an event its network changed after staff loaded it.

The admin's bulk actions load the selected events, then decide them one by one; a
network's amount change can commit in between. Rejecting must withdraw the pending
credit the event carries now, not the amount staff's copy remembers."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.tests.factories import SuperuserFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.tests.factories import ClickFactory
from wallet.models import Account, CashbackEvent
from wallet.services.cashback_decisions import cashback_decide

pytestmark = pytest.mark.django_db

D = Decimal
ZERO = D("0.00")


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


def _balance(owner, kind):
    account = Account.objects.filter(owner=owner, kind=kind).first()
    return account.balance if account else ZERO


@pytest.mark.parametrize("decision", ["reject", "reverse"])
def test_a_decision_on_a_stale_copy_takes_back_what_the_event_holds_now(client, decision):
    click = ClickFactory()  # 10% of the sale
    _postback(client, click, "100.00", "20.00")  # 10.00 pending
    loaded_by_staff = CashbackEvent.objects.get()
    _postback(client, click, "70.00", "14.00")  # the network changes it: 7.00 pending

    assert cashback_decide(
        event=loaded_by_staff, decision=decision, actor=SuperuserFactory(), reason="Fraud."
    )

    # Not -3.00 pending (10.00 withdrawn from 7.00) nor 3.00 of expense left behind.
    assert _balance(click.user, "pending") == ZERO
    assert _balance(None, "cashback_expense") == ZERO
    assert _balance(None, "network_receivable") == ZERO
    assert (
        CashbackEvent.objects.get().status
        == {"reject": "rejected", "reverse": "reversed"}[decision]
    )
    call_command("wallet_audit")
