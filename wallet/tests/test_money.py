from decimal import Decimal

import pytest
from django.db import IntegrityError

from config.money import money, parse_amount
from wallet.models import WithdrawalMethod


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0.125", "0.13"), ("0.124", "0.12"), ("2.675", "2.68"), ("-0.125", "-0.13"), (7, "7.00")],
)
def test_money_rounds_half_up(raw, expected):
    assert money(Decimal(raw) if isinstance(raw, str) else raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("-1.00", "must be at least zero"),
        ("abc", "is not a number"),
        ("", "is not a number"),
        ("1000000000000.00", "larger than the largest amount"),
        (1.5, "must not be floats"),
    ],
)
def test_parse_amount_refuses_what_cannot_be_money(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(raw)


def test_parse_amount_accepts_and_quantizes():
    assert parse_amount(" 100.005 ") == Decimal("100.01")
    assert parse_amount("0") == Decimal("0.00")
    with pytest.raises(ValueError, match="must be positive"):
        parse_amount("0", allow_zero=False)


@pytest.mark.django_db
def test_withdrawal_fee_is_fixed_plus_percent_never_more_than_the_amount():
    method = WithdrawalMethod.objects.get(code="paypal")
    method.fee_fixed, method.fee_percent = Decimal("0.30"), Decimal("2.5000")

    assert method.fee_for(Decimal("25.00")) == Decimal("0.93")
    assert method.fee_for(Decimal("0.20")) == Decimal("0.20")
    assert method.currency == "USD"


@pytest.mark.django_db
def test_fee_percent_above_100_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        WithdrawalMethod.objects.filter(code="upi").update(fee_percent=Decimal("101"))


@pytest.mark.django_db
def test_the_five_methods_exist_from_the_start():
    assert list(WithdrawalMethod.objects.values_list("code", "is_enabled")) == [
        ("paypal", True),
        ("bank", True),
        ("upi", True),
        ("gift_card", True),
        ("crypto", True),
    ]
