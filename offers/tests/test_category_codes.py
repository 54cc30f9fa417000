"""Networks name categories their own way: a rate's code need not be a slug."""

from decimal import Decimal

import pytest

from offers.models import MerchantCommission
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory
from tracking.tests.factories import ClickFactory
from wallet.models import CashbackEvent

pytestmark = pytest.mark.django_db


def test_a_code_with_spaces_and_dots_matches_the_category_the_network_reports(client):
    merchant = MerchantFactory(cashback_value=Decimal("4"))
    MerchantCommission.objects.create(
        merchant=merchant,
        label="Home",
        code=" Home & Garden.CG12 ",
        commission_value=Decimal("16"),
    )
    merchant.refresh_from_db()
    click = ClickFactory(merchant=merchant, cashback_value=Decimal("4"), rates=merchant.rate_card)

    response = client.get(
        f"/postback/{merchant.network.slug}/",
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "T1",
            "sale_amount": "100.00",
            "commission": "20.00",
            "category": "home & garden.cg12",
        },
    )

    assert response.json()["event"]["cashback"] == "8.00"
    assert CashbackEvent.objects.get().rate_label == "8% of the sale (Home)"
