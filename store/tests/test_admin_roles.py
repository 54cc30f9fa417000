"""Who may open which store admin page, role by role, and changelists that cost the same
number of queries whatever the number of rows (no per-row queries)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from store.models import Payment, Refund

from .factories import VariantFactory, add_codes, funded_shopper
from .factories_ops import bought_gift_card, login, wallet_order

pytestmark = pytest.mark.django_db

OK, DENIED = 200, 403
# changelist → (Finance, Content editor, Support agent, superuser)
MATRIX = {
    "product": (OK, OK, DENIED, OK),
    "variant": (OK, OK, DENIED, OK),
    "code": (OK, DENIED, DENIED, OK),
    "codeimport": (OK, DENIED, DENIED, OK),
    "supplierorder": (OK, DENIED, DENIED, OK),
    "order": (OK, DENIED, OK, OK),
    "payment": (OK, DENIED, OK, OK),
    "webhookevent": (OK, DENIED, DENIED, OK),
    "refund": (OK, DENIED, DENIED, OK),
    "giftcard": (OK, DENIED, OK, OK),
}
ROLES = ("Finance", "Content editor", "Support agent", "superuser")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_store_pages(client, role):
    login(client, role)
    got = {
        name: client.get(reverse(f"admin:store_{name}_changelist")).status_code for name in MATRIX
    }
    assert got == {name: statuses[ROLES.index(role)] for name, statuses in MATRIX.items()}


def _queries(client, url) -> int:
    # The fewest of three: a row cache another test process bumped (they share Redis)
    # reloads once, in one request, and is not a per-row query.
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    return min(counts)


def _more(capture, n: int, start: int):
    """n more orders, each with its code, gift card, payment and refund rows."""
    for i in range(start, start + n):
        variant = VariantFactory()
        add_codes(variant, 2)
        shopper = funded_shopper("100.00")
        with capture(execute=True):
            order = wallet_order(shopper, variant, key=f"rows-{i}")
        bought_gift_card(shopper, capture, key=f"card-{i}")
        payment = Payment.objects.create(
            order=order, provider="razorpay", amount=Decimal("1.00"), currency="USD"
        )
        Refund.objects.create(order=order, payment=payment, reason="r", status="failed")


def test_changelists_do_not_query_per_row(client, django_capture_on_commit_callbacks):
    login(client, "superuser")
    _more(django_capture_on_commit_callbacks, 2, 0)
    names = ("product", "variant", "code", "order", "payment", "refund", "giftcard")
    before = {n: _queries(client, reverse(f"admin:store_{n}_changelist")) for n in names}
    _more(django_capture_on_commit_callbacks, 3, 2)
    after = {n: _queries(client, reverse(f"admin:store_{n}_changelist")) for n in names}
    assert after == before
