"""A reveal racing Finance's refund, on PostgreSQL with a real second connection: the
shopper either sees the codes (and the refund finds nothing left to refund) or gets the
money back (and the reveal finds nothing), never both the codes and the money."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from store.models import Code, Order, Refund
from store.services import reveal as reveal_module
from store.services.refunds import NothingToRefund, order_refund
from store.services.reveal import ItemNotFound, item_reveal
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import finance_staff, place
from wallet.tests.factories import balances

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_a_refund_committing_while_a_reveal_reads_the_codes_never_gives_both(monkeypatch):
    shopper = funded_shopper("20.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)])  # committed: fulfilled after commit
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    item = order.items.get()
    finance = finance_staff()
    outcome = {}

    def refund_on_its_own_connection():
        try:
            outcome["refund"] = order_refund(order=order, actor=finance, reason="race")
        except Exception as exc:  # the test reads what happened
            outcome["refund"] = exc
        finally:
            connection.close()

    real_gift_cards = reveal_module.GiftCard
    refunder = threading.Thread(target=refund_on_its_own_connection)

    class RefundBetweenReadAndCount:
        """The reveal has read the item's codes; Finance's refund runs now (given two
        seconds: with the codes locked by the reveal it waits for the reveal instead)."""

        class objects:
            @staticmethod
            def select_for_update():
                refunder.start()
                refunder.join(timeout=2)
                return real_gift_cards.objects.select_for_update()

    monkeypatch.setattr(reveal_module, "GiftCard", RefundBetweenReadAndCount)

    try:
        revealed = item_reveal(user=shopper, item=item)
    except ItemNotFound:
        revealed = []
    refunder.join(timeout=30)
    assert not refunder.is_alive()

    refunded = isinstance(outcome["refund"], Refund)
    if revealed:
        assert isinstance(outcome["refund"], NothingToRefund), outcome
        assert balances(shopper)["available"] == D("10.00")
        assert Code.objects.get().status == Code.Status.SOLD
    else:
        assert refunded, outcome
        assert balances(shopper)["available"] == D("20.00")
        assert Code.objects.get().status == Code.Status.VOID
    assert not (revealed and refunded)
