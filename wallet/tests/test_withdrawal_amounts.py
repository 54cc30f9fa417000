"""Issue 10, point 11: no money check depends on float arithmetic. SQLite keeps decimals
as binary floats, and the old `net_amount = amount - fee` constraint refused honest
withdrawals (5.03, 5.07, 58.41 with PayPal's 2% fee answered 500). Runs on SQLite and,
in CI, on PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from wallet.models import Withdrawal, WithdrawalMethod
from wallet.services.withdrawals import WithdrawalRefused, withdrawal_request

from .factories import balances, give_available

D = Decimal


def _cents(low: str, high: str):
    return st.decimals(min_value=D(low), max_value=D(high), places=2)


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["5.03", "5.07", "58.41"])
def test_amounts_that_used_to_answer_500_are_withdrawn(amount):
    user = UserFactory()
    give_available(user, "100.00")
    api = APIClient()
    api.force_authenticate(user)

    response = api.post(
        reverse("api-me-withdrawals"),
        {
            "method": "paypal",
            "amount": amount,
            "paypal_email": "me@pp.example",
            "password": PASSWORD,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    fee = (D(amount) * D("0.02")).quantize(D("0.01"))
    assert (response.json()["fee"], response.json()["net_amount"]) == (
        str(fee),
        str(D(amount) - fee),
    )


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amount=_cents("0.01", "999999.99"),
    fee_percent=st.decimals(min_value=D("0"), max_value=D("100"), places=4),
    fee_fixed=_cents("0.00", "50.00"),
)
@example(amount=D("5.03"), fee_percent=D("2"), fee_fixed=D("0"))
@example(amount=D("58.41"), fee_percent=D("2"), fee_fixed=D("0"))
@example(amount=D("999999.99"), fee_percent=D("33.3333"), fee_fixed=D("0.01"))
def test_any_amount_and_fee_store_net_as_exactly_amount_less_fee(
    settings, amount, fee_percent, fee_fixed
):
    settings.WITHDRAWAL_KYC_THRESHOLD = D("1000000.00")
    cache.clear()  # SQLite reuses rolled-back user ids: keep their re-check counters apart
    with transaction.atomic():
        WithdrawalMethod.objects.filter(code="paypal").update(
            minimum_amount=D("0.01"), fee_percent=fee_percent, fee_fixed=fee_fixed
        )
        method = WithdrawalMethod.objects.get(code="paypal")
        user = UserFactory()
        give_available(user, str(amount))
        fee = method.fee_for(amount)
        try:
            withdrawal = withdrawal_request(
                user=user,
                method_code="paypal",
                amount=amount,
                details={"paypal_email": "me@pp.example"},
                password=PASSWORD,
            )
        except WithdrawalRefused as refused:
            assert (refused.code, fee) == ("fee_exceeds_amount", amount)
            assert Withdrawal.objects.count() == 0
        else:
            stored = Withdrawal.objects.values_list("amount", "fee", "net_amount").get(
                pk=withdrawal.pk
            )
            assert tuple(D(v).quantize(D("0.01")) for v in stored) == (amount, fee, amount - fee)
            assert balances(user)["hold"] == amount
        transaction.set_rollback(True)  # each example starts from the same database
