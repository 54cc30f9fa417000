"""Real threads on PostgreSQL: five shoppers redeem the same card at once; the card's
row lock decides, one is credited."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from config.testing import race
from store.tests.factories import ShopperFactory
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .test_redeem import bought_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_code_from_five_threads_is_credited_once():
    card = bought_card(value="20.00")
    shoppers = [ShopperFactory() for _ in range(5)]

    def redeem(i):
        api = APIClient()
        api.force_authenticate(shoppers[i])
        return api.post("/api/v1/me/gift-cards/redeem/", {"code": card.code}, format="json")

    answers = race(5, redeem)

    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409], answers
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"already_redeemed"}
    credited = [balances(s)["available"] for s in shoppers]
    assert sorted(credited) == [Decimal("0.00")] * 4 + [Decimal("20.00")]
    card.refresh_from_db()
    assert card.status == "redeemed"
    assert shoppers[credited.index(Decimal("20.00"))].pk == card.redeemed_by_id
    assert wallet_audit() == []
