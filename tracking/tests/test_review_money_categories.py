"""Review: a later report naming another category than its sale's.

apply_sale works the new amounts out by the category the later report names (Awin's is
the basket part earning the most, which a partial return can change). The event must
then say so: its category and rate label are the ones its cashback was worked out by,
and the next report without a category keeps that rate, rather than the statement saying
"4% of the sale" beside 8% paid, and the rate flipping with each report."""

from decimal import Decimal

import pytest

from wallet.models import CashbackEvent

from .test_category_rate_postbacks import _click_out, _laptops, _postback, acme  # noqa: F401

pytestmark = pytest.mark.django_db

D = Decimal


def _stated():
    event = CashbackEvent.objects.get()
    return event.cashback_amount, event.category_code, event.rate_label


def test_new_amounts_in_another_category_restate_the_events_rate(client, acme):  # noqa: F811
    _laptops(acme)  # shoppers get 8% on laptops, 4% on the rest
    click = _click_out(client, acme)
    _postback(client, click)  # no category: 4% of 100.00
    assert _stated() == (D("4.00"), "", "4% of the sale")

    _postback(client, click, sale_amount="90.00", commission="18.00", category="laptops")

    assert _stated() == (D("7.20"), "laptops", "8% of the sale (Laptops)")

    _postback(client, click, sale_amount="80.00", commission="16.00")  # no category

    assert _stated() == (D("6.40"), "laptops", "8% of the sale (Laptops)")


def test_a_commission_only_change_keeps_the_label_of_a_sale_with_an_amount(
    client,
    acme,  # noqa: F811
):
    """No sale amount in the later report: the event's own still decides the cashback,
    so the label still says "% of the sale", not "of the store's commission"."""
    click = _click_out(client, acme)
    _postback(client, click)

    _postback(client, click, sale_amount=None, commission="2.00")

    assert _stated() == (D("2.00"), "", "4% of the sale")  # 4.00, capped by the commission
