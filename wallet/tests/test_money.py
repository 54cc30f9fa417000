from decimal import Decimal

import pytest
from django.db import IntegrityError

from config.money import InvalidAmount, money, parse_amount
from wallet.models import WithdrawalMethod


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0.125", "0.13"), ("0.124", "0.12"), ("2.675", "2.68"), ("-0.125", "-0.13"), (7, "7.00")],
)
def test_money_rounds_half_up(raw, expected):
    assert money(Decimal(raw) if isinstance(raw, str) else raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("NaN", "invalid_amount", "not a number written in ASCII digits"),
        ("Infinity", "invalid_amount", "not a number written in ASCII digits"),
        ("-1.00", "invalid_amount", "must be at least zero"),
        ("abc", "invalid_amount", "not a number written in ASCII digits"),
        ("", "invalid_amount", "not a number written in ASCII digits"),
        ("1000000000000.00", "amount_too_large", "above the largest we accept"),
        ("1" * 60, "amount_too_large", "above the largest we accept"),
        (1.5, "invalid_amount", "a float is not a number"),
    ],
)
def test_parse_amount_refuses_what_cannot_be_money(raw, code, message):
    with pytest.raises(InvalidAmount, match=message) as refused:
        parse_amount(raw)
    assert (refused.value.code, refused.value.http_status) == (code, 400)


def test_parse_amount_accepts_and_quantizes():
    assert parse_amount("100.005") == Decimal("100.01")
    assert parse_amount("0") == Decimal("0.00")
    assert parse_amount(7) == Decimal("7.00")
    assert parse_amount(Decimal("20.5")) == Decimal("20.50")
    with pytest.raises(InvalidAmount, match="must be more than zero"):
        parse_amount("0.001", allow_zero=False)


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
