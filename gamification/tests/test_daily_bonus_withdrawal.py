"""BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK: bonus money alone cannot be withdrawn."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from gamification.services.bonus_money import BONUS_CODE, BonusPayment, pay_bonus
from wallet.models import Transaction, Withdrawal
from wallet.tests.factories import balances, give_available, recorded_event

pytestmark = pytest.mark.django_db

D = Decimal
WITHDRAWALS = reverse("api-me-withdrawals")
PAYPAL = {
    "method": "paypal",
    "amount": "10.00",
    "paypal_email": "me@pp.example",
    "password": PASSWORD,
}


def _bonus_only_shopper():
    user = UserFactory()
    pay_bonus(BonusPayment(user.pk, D("20.00"), BONUS_CODE, f"test-bonus:{user.pk}", "Bonus"))
    return user


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_bonus_money_alone_is_refused_with_the_reason_and_nothing_moves():
    user = _bonus_only_shopper()
    recorded_event(user, cashback="3.00")  # pending cashback does not count
    before = (balances(user), Transaction.objects.count())

    response = _api(user).post(WITHDRAWALS, PAYPAL, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "bonus_not_withdrawable",
        "detail": "Bonus money becomes withdrawable after your first confirmed cashback.",
    }
    assert (balances(user), Transaction.objects.count()) == before
    assert Withdrawal.objects.count() == 0


def test_the_withdraw_page_shows_the_reason_as_a_form_error(client):
    user = _bonus_only_shopper()
    client.force_login(user)

    response = client.post(reverse("wallet:withdraw"), PAYPAL)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Bonus money becomes withdrawable after your first confirmed cashback."
    ]
    assert Withdrawal.objects.count() == 0


def test_the_first_confirmed_cashback_unlocks_bonus_money():
    user = _bonus_only_shopper()
    give_available(user, "1.00")

    response = _api(user).post(WITHDRAWALS, {**PAYPAL, "amount": "21.00"}, format="json")

    assert response.status_code == 201, response.json()
    assert balances(user) == {"available": D("0.00"), "pending": D("0.00"), "hold": D("21.00")}


def test_with_the_setting_off_bonus_money_is_withdrawable(settings):
    settings.BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK = False
    user = _bonus_only_shopper()

    response = _api(user).post(WITHDRAWALS, PAYPAL, format="json")

    assert response.status_code == 201, response.json()
    assert balances(user)["hold"] == D("10.00")
