from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from tracking.services.postbacks import NetworkSale, apply_sale
from tracking.tests.factories import ClickFactory
from wallet.services.confirmation import cashback_confirm

pytestmark = pytest.mark.django_db


def _sale(click, txn, commission):
    return apply_sale(
        click.merchant.network,
        NetworkSale(click.click_id, txn, Decimal("100.00"), Decimal(commission), "USD", "pending"),
    ).event


def test_wallet_api_shows_only_the_callers_money():
    click = ClickFactory()
    confirmed = _sale(click, "T1", "3.00")
    _sale(click, "T2", "4.50")
    _sale(ClickFactory(), "OTHER", "9.99")
    cashback_confirm(event=confirmed)
    api = APIClient()
    api.force_authenticate(click.user)

    body = api.get(reverse("api-me-wallet")).json()

    assert body == {
        "available": "3.00",
        "pending": "4.50",
        "lifetime_earned": "3.00",
        "currency": "USD",
    }


def test_a_new_shopper_has_zero_everywhere_and_anonymous_is_refused():
    api = APIClient()
    assert api.get(reverse("api-me-wallet")).status_code == 403
    api.force_authenticate(UserFactory())

    assert api.get(reverse("api-me-wallet")).json() == {
        "available": "0.00",
        "pending": "0.00",
        "lifetime_earned": "0.00",
        "currency": "USD",
    }


def test_dashboard_shows_balances_and_recent_cashback(client):
    click = ClickFactory(merchant__name="Acme")
    _sale(click, "T1", "6.00")
    client.force_login(click.user)

    html = client.get(reverse("dashboard")).content.decode()

    assert '<div class="display-6" data-test="pending">USD 6.00</div>' in html
    assert '<div class="display-6" data-test="available">USD 0.00</div>' in html
    assert "<td>Acme</td>" in html
