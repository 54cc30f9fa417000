"""Review (rmoney), real threads on PostgreSQL: a shopper revealing a code while Finance
refunds it ends with the code seen or the money back, never both."""

import threading
from decimal import Decimal
from unittest import mock

import pytest

from config.testing import race
from store.models import Code, OrderItem, Refund
from store.services import reveal as reveal_module
from store.services.refunds import NothingToRefund, order_refund
from store.services.reveal import item_reveal
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import finance_staff, place
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_a_reveal_racing_a_refund_never_shows_a_refunded_code():
    shopper = funded_shopper("10.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)])
    assert order.status == "fulfilled"
    item = OrderItem.objects.select_related("order").get(order=order)
    finance = finance_staff()

    # The reveal pauses after reading the item's codes, while the refund runs.
    read, resume = threading.Event(), threading.Event()
    real = reveal_module.GiftCard

    class PausingGiftCard:
        DoesNotExist = real.DoesNotExist
        Status = real.Status

        class _Objects:
            def __getattr__(self, name):
                read.set()
                resume.wait(10)
                return getattr(real.objects, name)

        objects = _Objects()

    def reveal_it():
        return item_reveal(user=shopper, item=item)

    def refund_it():
        read.wait(10)
        threading.Timer(1.0, resume.set).start()  # the reveal goes on a second later
        return order_refund(order=order, actor=finance, reason="race")

    with mock.patch.object(reveal_module, "GiftCard", PausingGiftCard):
        shown, refunded = race(2, lambda i: (reveal_it, refund_it)[i]())

    if isinstance(refunded, Refund):
        # Refunded: the shopper saw nothing, the code is void and unseen.
        assert not isinstance(shown, list) or shown == [], shown
        code = Code.objects.get(order_item=item)
        assert (code.status, code.first_revealed_at) == ("void", None)
        assert balances(shopper)["available"] == D("10.00")
    else:
        # Seen first: the code is the shopper's and nothing comes back.
        assert isinstance(refunded, NothingToRefund), refunded
        assert isinstance(shown, list) and len(shown) == 1, shown
        assert balances(shopper)["available"] == D("0.00")
    assert wallet_audit() == []
