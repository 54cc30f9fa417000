"""Every money input takes amounts written `-?digits(.digits)?` in ASCII and nothing else.

Python's Decimal(), and with it Django's and DRF's DecimalField, reads full-width and
Arabic-Indic digits, `1_000` and surrounding spaces: each input below refuses them.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from affiliates.models import Conversion
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.money import AmountTooLarge, InvalidAmount, parse_amount
from config.money_fields import MoneyFormField, MoneySerializerField
from offers.models import Offer
from offers.services.imports import offers_import, read_rows
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from tracking.tests.factories import AffiliateClickFactory, ClickFactory
from wallet.models import Transaction, Withdrawal, WithdrawalMethod
from wallet.tests.factories import balances, give_available

D = Decimal
ASCII_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Each is a number to Python's Decimal() (or nearly), and none is one to us.
REFUSED = [
    "\uff11\uff10\uff10",  # full-width 100
    "\u0661\u0660\u0660",  # Arabic-Indic 100
    "\u0967\u0966\u0966",  # Devanagari 100
    "1\uff10.00",  # one full-width digit among ASCII ones
    "1_000",
    " 10.00 ",
    "10.00 ",
    "\t10",
    "10\n",
    "1e3",
    "1E+2",
    "+10",
    ".5",
    "10.",
    "1,000",
    "0x10",
    "NaN",
    "Infinity",
    "",
]


# --- the parser ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", REFUSED)
def test_parse_amount_refuses_every_lenient_spelling(raw):
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(raw, field="amount")

    assert (refused.value.code, refused.value.field) == ("invalid_amount", "amount")


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(max_size=12))
def test_parse_amount_takes_only_ascii_digits(raw):
    try:
        value = parse_amount(raw)
    except InvalidAmount:
        return
    assert ASCII_AMOUNT.fullmatch(raw)
    # Quantized as all money is (config.money.money): half up, so "0.005" is 0.01.
    assert value == Decimal(raw).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.decimals(min_value=0, max_value=D("1000000.00"), places=2))
def test_every_ascii_amount_up_to_the_maximum_parses_to_itself(value):
    assert parse_amount(str(value)) == value
    assert parse_amount(f"-{value}", allow_negative=True) == -value


def test_negatives_only_where_the_caller_allows_them():
    with pytest.raises(InvalidAmount, match="at least zero"):
        parse_amount("-5.00")

    assert parse_amount("-5.00", allow_negative=True) == D("-5.00")


@pytest.mark.parametrize("raw", ["-0", "-0.00"])
def test_minus_zero_is_zero_not_a_negative_amount(raw):
    # A sale of "-0" was answered with cashback "-0.00": money has no signed zero.
    assert str(parse_amount(raw)) == "0.00"
    assert str(parse_amount(raw, allow_negative=True)) == "0.00"
    with pytest.raises(InvalidAmount, match="more than zero"):
        parse_amount(raw, allow_zero=False)


def test_the_maximum_is_a_setting_and_applies_to_either_sign(settings):
    assert parse_amount("1000000.00") == D("1000000.00")
    with pytest.raises(AmountTooLarge):
        parse_amount("1000000.01")
    with pytest.raises(AmountTooLarge):
        parse_amount("-1000000.01", allow_negative=True)

    settings.MAX_TRANSACTION_AMOUNT = D("50.00")

    with pytest.raises(AmountTooLarge) as refused:
        parse_amount("50.01", field="amount")
    assert (refused.value.code, refused.value.http_status) == ("amount_too_large", 400)
    assert refused.value.detail == "amount is above the largest we accept (50.00)."


# --- the shared fields ------------------------------------------------------------------


class _Form(forms.Form):
    amount = MoneyFormField()


class _Serializer(serializers.Serializer):
    amount = MoneySerializerField()


@pytest.mark.parametrize("raw", [*REFUSED, "0", "-1", "1000000.01"])
def test_money_form_field_refuses(raw):
    form = _Form({"amount": raw})

    assert not form.is_valid()
    assert list(form.errors) == ["amount"]


@pytest.mark.parametrize("raw", [*REFUSED, "0", "-1", "1000000.01", 12.5, True, None])
def test_money_serializer_field_refuses_with_the_parsers_code(raw):
    payload = _Serializer(data={"amount": raw})

    assert not payload.is_valid()
    [error] = payload.errors["amount"]
    assert error.code in {"invalid_amount", "amount_too_large", "null"}


def test_money_fields_take_plain_amounts():
    form, payload = _Form({"amount": "12.5"}), _Serializer(data={"amount": "12.5"})

    assert form.is_valid() and payload.is_valid()
    assert form.cleaned_data["amount"] == payload.validated_data["amount"] == D("12.50")
    assert _Serializer({"amount": D("12.50")}).data == {"amount": "12.50"}


# --- each input -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff11\uff10", "\u0661\u0660", "1_0", " 10.00 "])
def test_the_withdrawal_api_refuses_them(raw):
    user = UserFactory()
    give_available(user, "50.00")
    api = APIClient()
    api.force_authenticate(user)
    payload = {"method": "paypal", "amount": raw, "paypal_email": "me@paypal.example"}

    response = api.post(
        reverse("api-me-withdrawals"), {**payload, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_amount", "amount")
    assert Withdrawal.objects.count() == 0
    assert balances(user)["available"] == D("50.00")


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff11\uff10", "\u0661\u0660", "1_0", " 10.00 "])
def test_the_withdrawal_page_refuses_them(client, raw):
    user = UserFactory()
    give_available(user, "50.00")
    client.force_login(user)

    response = client.post(
        reverse("wallet:withdraw"),
        {"method": "paypal", "amount": raw, "paypal_email": "me@paypal.example"},
    )

    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert Withdrawal.objects.count() == 0
    assert balances(user)["available"] == D("50.00")


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff11\uff10", "\u0661\u0660", "1_0", " 10.00 ", "1000000.01"])
def test_the_admin_adjustment_form_refuses_them(client, raw):
    shopper = UserFactory(email="adjust-me@example.com")
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    url = reverse("admin:wallet_account_adjust")

    response = client.post(
        url,
        {
            "email": shopper.email,
            "direction": "credit",
            "amount": raw,
            "reason": "goodwill",
            "key": "k1",
        },
    )

    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert Transaction.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff11\uff10\uff10", "\u0661\u0660\u0660", "1_000", " 10.00 "])
@pytest.mark.parametrize("name", ["sale_amount", "commission"])
def test_the_network_postback_refuses_them(client, raw, name):
    click = ClickFactory()
    params = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "T1",
        "sale_amount": "100.00",
        "commission": "8.00",
        name: raw,
    }

    response = client.get(
        reverse("tracking:network-postback", args=[click.merchant.network.slug]), params
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_amount"
    assert name in response.json()["detail"]
    assert Transaction.objects.count() == 0
    assert PostbackLog.objects.get().code == "invalid_amount"


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff15\uff10", "\u0665\u0660", "5_0", " 50.00 "])
def test_the_conversion_postback_refuses_them(client, raw):
    campaign = CampaignFactory(token="conversion-token-1")
    GoalFactory(campaign=campaign, tracking_code="DEMOSALE01")
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))

    response = client.get(
        "/postback/conversion/",
        {"token": "conversion-token-1", "click_id": str(click.click_id), "txn_id": "C1"}
        | {"amount": raw},
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_amount")
    assert PostbackLog.objects.get().code == "invalid_amount"
    assert not Conversion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff17.5", "\u0667", "7_5", " 7.5", "7.5e0"])
def test_the_offer_import_refuses_them(raw):
    network = NetworkFactory()
    MerchantFactory(slug="acme", network=network)
    row = {"external_id": "A1", "merchant": "acme", "title": "T", "cashback_value": raw}

    report = offers_import(network=network, rows=[(2, row)])

    assert report.created == 0
    [(line, message)] = report.errors
    assert line == 2
    assert message.startswith("cashback_value: ")
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_the_offer_import_reads_json_numbers_exactly():
    network = NetworkFactory()
    MerchantFactory(slug="acme", network=network)
    rows = read_rows(
        '[{"external_id": "J1", "merchant": "acme", "title": "T", "cashback_type": '
        '"percentage", "cashback_value": 7.35}]',
        "json",
    )

    report = offers_import(network=network, rows=rows)

    assert (report.created, report.errors) == (1, [])
    assert Offer.objects.get().cashback_value == D("7.35")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "raw", "accepted"),
    [
        ("minimum_amount", "\uff16.00", False),
        ("fee_fixed", "0_30", False),
        ("fee_percent", "\u0662", False),
        ("minimum_amount", " 6.00", False),
        ("minimum_amount", "6.00", True),
    ],
)
def test_the_withdrawal_method_admin_reads_only_ascii_numbers(client, field, raw, accepted):
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    method = WithdrawalMethod.objects.get(code="paypal")
    before = (method.minimum_amount, method.fee_fixed, method.fee_percent)
    data = {
        "code": "paypal",
        "name": method.name,
        "is_enabled": "on",
        "minimum_amount": "5.00",
        "fee_fixed": "0.00",
        "fee_percent": "2.0000",
        "currency": "USD",
        "sort_order": str(method.sort_order),
        field: raw,
    }

    response = client.post(reverse("admin:wallet_withdrawalmethod_change", args=[method.pk]), data)

    method.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        assert method.minimum_amount == D("6.00")
    else:
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        assert (method.minimum_amount, method.fee_fixed, method.fee_percent) == before
