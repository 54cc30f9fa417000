"""The rate a sale pays, end to end: a real click-out snapshots the store's category rates,
a real postback (`category`, `sale_date`, with or without `sale_amount`) picks one.

Acme here pays 4% by default (up to 50.00); its `laptops` rate is a 16% commission with
half passed on: 8% for the shopper.
"""

import io
import re
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from config.testing import data_statements
from offers.models import Merchant, MerchantCommission
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, OfferFactory
from tracking.models import Click
from tracking.views import click_out_offer
from wallet.models import Account, CashbackEvent

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def acme():
    return MerchantFactory(
        slug="acme", cashback_value=D("4"), cashback_max=D("50.00"), shopper_share=D("50")
    )


def _laptops(merchant, **fields):
    laptops = {
        "label": "Laptops",
        "code": "laptops",
        "commission_value": D("16"),
        "shopper_share": D("50"),
    }
    return MerchantCommission.objects.create(merchant=merchant, **{**laptops, **fields})


def _day(days_ago: int):
    return timezone.localdate() - timedelta(days=days_ago)


def _click_out(client, merchant, *, offer=None, days_ago=0, monkeypatch=None) -> Click:
    """A logged-in shopper's click-out through the real view, `days_ago` days back (the
    clock is set back for the request, so the click and its snapshot both date from then)."""
    client.force_login(UserFactory())
    url = (
        reverse("tracking:out-offer", args=[offer.pk])
        if offer
        else reverse("tracking:out-merchant", args=[merchant.slug])
    )
    if days_ago:
        then = timezone.now() - timedelta(days=days_ago)
        with monkeypatch.context() as patched:
            patched.setattr(timezone, "now", lambda: then)
            response = client.get(url)
    else:
        response = client.get(url)
    assert response.status_code == 302
    return Click.objects.get(click_id=re.search(r"sub=([0-9a-f-]{36})", response["Location"])[1])


def _postback(client, click, txn="T1", token=NETWORK_TOKEN, **params) -> dict:
    query = {
        "token": token,
        "click_id": str(click.click_id),
        "txn_id": txn,
        "sale_amount": "100.00",
        "commission": "20.00",
        **params,
    }
    response = client.get(
        reverse("tracking:network-postback", args=[click.merchant.network.slug]),
        {k: v for k, v in query.items() if v is not None},
    )
    assert response.status_code == 200, response.json()
    return response.json()["event"]


def _paid(client, click, txn="T1", **params) -> tuple[str, str]:
    event = _postback(client, click, txn, **params)
    return event["cashback"], CashbackEvent.objects.get(pk=event["id"]).rate_label


def _noon(days_ago: int) -> str:
    return timezone.make_aware(datetime.combine(_day(days_ago), time(12))).isoformat()


# --- which rate -----------------------------------------------------------------------


def test_a_sale_in_the_category_pays_the_category_rate(client, acme):
    _laptops(acme)
    click = _click_out(client, acme)

    assert _paid(client, click, category="laptops") == ("8.00", "8% of the sale (Laptops)")
    pending = Account.objects.get(owner=click.user, kind="pending").balance
    assert pending == D("8.00")


def test_the_category_is_matched_whatever_its_case(client, acme):
    _laptops(acme, code="Laptops")
    click = _click_out(client, acme)

    assert _paid(client, click, category="LAPTOPS") == ("8.00", "8% of the sale (Laptops)")


@pytest.mark.parametrize("category", [None, "", "phones", "laptop"])
def test_a_sale_without_a_known_category_pays_the_store_default(client, acme, category):
    _laptops(acme)
    click = _click_out(client, acme)

    assert _paid(client, click, category=category) == ("4.00", "4% of the sale")


def test_a_rate_without_a_code_is_never_matched(client, acme):
    _laptops(acme, code="")
    click = _click_out(client, acme)

    assert click.rates == []
    assert _paid(client, click, category="laptops") == ("4.00", "4% of the sale")


def test_a_fixed_category_rate_pays_its_amount(client, acme):
    _laptops(acme, commission_type="fixed", commission_value=D("6.00"))
    click = _click_out(client, acme)

    assert _paid(client, click, category="laptops") == ("3.00", "USD 3.00 (Laptops)")


def test_a_category_rate_keeps_the_stores_cap(client, acme):
    _laptops(acme, commission_value=D("40"))  # 20% for the shopper
    click = _click_out(client, acme)

    # 20% of 1000.00 is 200.00: the store's 50.00 cap holds (the commission, 300.00, not).
    cashback, label = _paid(
        client, click, category="laptops", sale_amount="1000.00", commission="300.00"
    )
    assert (cashback, label) == ("50.00", "20% of the sale (Laptops)")


def test_the_offers_own_terms_win_over_category_rates(client, acme):
    _laptops(acme)
    offer = OfferFactory(merchant=acme, cashback_type="percentage", cashback_value=D("10"))
    click = _click_out(client, acme, offer=offer)

    assert click.rates == []
    assert _paid(client, click, category="laptops") == ("10.00", "10% of the sale")


def test_an_offer_without_terms_of_its_own_pays_the_category_rate(client, acme):
    _laptops(acme)
    click = _click_out(client, acme, offer=OfferFactory(merchant=acme))

    assert _paid(client, click, category="laptops") == ("8.00", "8% of the sale (Laptops)")


# --- the snapshot: later changes never touch a click already made ------------------------


def test_a_rate_created_after_the_click_does_not_apply_to_it(client, acme):
    click = _click_out(client, acme)
    _laptops(acme)

    assert _paid(client, click, category="laptops") == ("4.00", "4% of the sale")
    # The next click gets it.
    assert _paid(client, _click_out(client, acme), "T2", category="laptops")[0] == "8.00"


def test_a_rate_changed_after_the_click_pays_as_it_was(client, acme):
    rate = _laptops(acme)
    click = _click_out(client, acme)
    rate.commission_value = D("30")
    rate.save()

    assert _paid(client, click, category="laptops") == ("8.00", "8% of the sale (Laptops)")
    assert _paid(client, _click_out(client, acme), "T2", category="laptops")[0] == "15.00"


@pytest.mark.parametrize("end", ["deactivated", "deleted"])
def test_a_rate_ended_after_the_click_still_pays_that_click(client, acme, end):
    rate = _laptops(acme)
    click = _click_out(client, acme)
    if end == "deleted":
        rate.delete()
    else:
        rate.is_active = False
        rate.save()

    assert _paid(client, click, category="laptops") == ("8.00", "8% of the sale (Laptops)")
    assert _paid(client, _click_out(client, acme), "T2", category="laptops")[0] == "4.00"


def test_a_rate_valid_at_the_click_but_over_on_the_sale_date_pays_the_default(
    client, acme, monkeypatch
):
    _laptops(acme, valid_until=_day(5))
    click = _click_out(client, acme, days_ago=10, monkeypatch=monkeypatch)

    assert [rate["code"] for rate in click.rates] == ["laptops"]
    assert _paid(client, click, "T1", category="laptops", sale_date=_noon(6)) == (
        "8.00",
        "8% of the sale (Laptops)",
    )
    assert _paid(client, click, "T2", category="laptops", sale_date=_noon(4)) == (
        "4.00",
        "4% of the sale",
    )


def test_a_rate_starting_after_the_click_is_not_in_its_snapshot(client, acme, monkeypatch):
    _laptops(acme, valid_from=_day(5))
    click = _click_out(client, acme, days_ago=10, monkeypatch=monkeypatch)

    # Valid on the sale date, but the shopper clicked before it started.
    assert click.rates == []
    assert _paid(client, click, category="laptops", sale_date=_noon(2)) == (
        "4.00",
        "4% of the sale",
    )


def test_a_rate_from_tomorrow_is_not_snapshot_today(client, acme):
    _laptops(acme, valid_from=_day(-1))

    click = _click_out(client, acme)

    assert click.rates == []
    assert Merchant.objects.get(pk=acme.pk).rate_card[0]["from"] == _day(-1).isoformat()


def test_the_click_out_makes_the_same_two_queries_with_category_rates(acme):
    _laptops(acme)
    _laptops(acme, label="Phones", code="phones", valid_until=_day(-30))
    offer = OfferFactory(merchant=acme)
    request = RequestFactory().get(reverse("tracking:out-offer", args=[offer.pk]))
    request.user = UserFactory()

    with data_statements() as statements:
        response = click_out_offer(request, offer.pk)

    assert response.status_code == 302
    assert statements == ["SELECT offers_offer", "INSERT tracking_click"]
    assert [rate["code"] for rate in Click.objects.get().rates] == ["laptops", "phones"]


# --- payout-only networks: no sale amount -------------------------------------------------


def test_without_a_sale_amount_a_percentage_pays_the_stores_share_of_the_commission(client, acme):
    click = _click_out(client, acme)

    assert _paid(client, click, sale_amount=None, commission="20.00") == (
        "10.00",
        "50% of the store's commission",
    )


def test_without_a_sale_amount_a_category_rate_pays_its_own_share(client, acme):
    _laptops(acme, shopper_share=D("25"))  # 4% of the sale, or a quarter of the commission
    click = _click_out(client, acme)

    assert _paid(client, click, sale_amount=None, commission="20.00", category="laptops") == (
        "5.00",
        "25% of the store's commission (Laptops)",
    )


def test_without_a_sale_amount_the_share_is_capped_by_the_max(client):
    store = MerchantFactory(cashback_value=D("4"), cashback_max=D("5.00"), shopper_share=D("50"))
    click = _click_out(client, store)

    assert _paid(client, click, sale_amount=None, commission="30.00") == (
        "5.00",
        "50% of the store's commission",
    )


@pytest.mark.parametrize(
    ("uncapped", "commission", "cashback"),
    [(False, "20.00", "12.00"), (False, "5.00", "5.00"), (True, "5.00", "12.00")],
)
def test_without_a_sale_amount_a_fixed_cashback_stays_fixed(client, uncapped, commission, cashback):
    store = MerchantFactory(
        cashback_type="fixed", cashback_value=D("12.00"), allow_over_commission=uncapped
    )
    click = _click_out(client, store)

    assert _paid(client, click, sale_amount=None, commission=commission) == (
        cashback,
        "USD 12.00",
    )


def test_the_share_is_the_one_the_click_kept(client, acme):
    click = _click_out(client, acme)
    Merchant.objects.filter(pk=acme.pk).update(shopper_share=D("90"))

    assert _paid(client, click, sale_amount=None, commission="20.00")[0] == "10.00"


# --- the demo ----------------------------------------------------------------------------


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_acme_pays_8_on_laptops_4_otherwise_and_converts_eur(client, demo):
    acme = Merchant.objects.get(slug="acme-electronics")
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")
    out = client.get(reverse("tracking:out-merchant", args=[acme.slug]))
    click_id = uuid.UUID(re.search(r"click=([0-9a-f-]{36})", out["Location"])[1])
    click = Click.objects.get(click_id=click_id)

    demo = {"token": "demo-token"}

    assert _paid(client, click, "L1", category="laptops", **demo) == (
        "8.00",
        "8% of the sale (Laptops)",
    )
    assert _paid(client, click, "L2", **demo) == ("4.00", "4% of the sale")
    # 100.00 EUR at 1.08 is 108.00 USD; 8% of it.
    euro = _postback(client, click, "L3", category="laptops", currency="EUR", **demo)
    event = CashbackEvent.objects.get(pk=euro["id"])
    assert (event.sale_amount, event.commission, event.cashback_amount) == (
        D("108.00"),
        D("21.60"),
        D("8.64"),
    )
    assert (event.original_currency, event.original_sale_amount, event.fx_rate) == (
        "EUR",
        D("100.00"),
        D("1.08"),
    )
    call_command("wallet_audit", stdout=io.StringIO())
