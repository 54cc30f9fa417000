"""A store's category rates: the rate card the click-out snapshots stays true however staff
change the rates, the store page says which rate applies when, and the one rule picks it."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory
from offers.models import CashbackTerms, Merchant, MerchantCommission
from wallet.services.rules import choose_rate

from .factories import MerchantFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _card(merchant) -> list[dict]:
    return Merchant.objects.get(pk=merchant.pk).rate_card


def _rate(merchant, **fields) -> MerchantCommission:
    laptops = {"label": "Laptops", "code": "laptops", "commission_value": D("16")}
    return MerchantCommission.objects.create(merchant=merchant, **{**laptops, **fields})


LAPTOPS_CARD = {
    "code": "laptops",
    "label": "Laptops",
    "type": "percentage",
    "value": "8",
    "share": "50",
    "from": None,
    "until": None,
}


# --- the rate card: always the store's active coded rates ----------------------------------


@pytest.fixture
def staff(client):
    client.force_login(SuperuserFactory())
    return client


def _merchant_form(merchant, rates: list[dict]) -> dict:
    """The Merchant change form as the admin posts it, with its rates inline."""
    data = {
        "name": merchant.name,
        "slug": merchant.slug,
        "website": "",
        "description": "",
        "network": merchant.network_id,
        "tracking_url": merchant.tracking_url,
        "cashback_type": merchant.cashback_type,
        "cashback_value": str(merchant.cashback_value),
        "cashback_max": "",
        "shopper_share": str(merchant.shopper_share),
        "confirmation_days": merchant.confirmation_days,
        "claim_wait_days": merchant.claim_wait_days,
        "priority": merchant.priority,
        "is_active": "on",
        "terms": "",
        "seo_title": "",
        "seo_description": "",
        "deleted_at_0": "",
        "deleted_at_1": "",
        "commissions-TOTAL_FORMS": len(rates),
        "commissions-INITIAL_FORMS": sum(1 for rate in rates if rate.get("id")),
        "commissions-MIN_NUM_FORMS": 0,
        "commissions-MAX_NUM_FORMS": 1000,
    }
    for n, rate in enumerate(rates):
        row = {
            "id": "",
            "merchant": merchant.pk,
            "label": "Laptops",
            "code": "laptops",
            "category": "",
            "commission_type": "percentage",
            "commission_value": "16",
            "shopper_share": "50",
            "valid_from": "",
            "valid_until": "",
            "is_active": "on",
            **rate,
        }
        data.update({f"commissions-{n}-{name}": value for name, value in row.items()})
    return {name: value for name, value in data.items() if value is not None}


def _save_in_admin(client, merchant, rates: list[dict]):
    response = client.post(
        reverse("admin:offers_merchant_change", args=[merchant.pk]),
        _merchant_form(merchant, rates),
    )
    assert response.status_code == 302, response.context["errors"]


def test_adding_changing_and_deleting_a_rate_in_the_admin_keeps_the_card(staff):
    merchant = MerchantFactory()

    _save_in_admin(staff, merchant, [{}])
    assert _card(merchant) == [LAPTOPS_CARD]

    rate = MerchantCommission.objects.get()
    _save_in_admin(
        staff, merchant, [{"id": rate.pk, "commission_value": "20", "valid_until": "2099-12-31"}]
    )
    assert _card(merchant) == [{**LAPTOPS_CARD, "value": "10", "until": "2099-12-31"}]

    _save_in_admin(staff, merchant, [{"id": rate.pk, "is_active": None}])  # unticked
    assert _card(merchant) == []

    _save_in_admin(staff, merchant, [{"id": rate.pk, "is_active": "on"}])
    assert _card(merchant) == [LAPTOPS_CARD]

    _save_in_admin(staff, merchant, [{"id": rate.pk, "DELETE": "on"}])
    assert (MerchantCommission.objects.count(), _card(merchant)) == (0, [])


def test_the_admin_shows_the_code_the_shopper_rate_and_the_share(staff):
    merchant = MerchantFactory()
    _rate(merchant)

    html = staff.get(reverse("admin:offers_merchant_change", args=[merchant.pk])).content.decode()

    assert 'name="commissions-0-code" value="laptops"' in html
    assert 'name="shopper_share" value="50.0000"' in html
    assert "8% cashback" in html  # the rate's shopper value, read-only beside it
    changelist = staff.get(reverse("admin:offers_merchant_changelist")).content.decode()
    assert "column-shopper_share" in changelist


def test_rates_without_a_code_or_inactive_stay_off_the_card_and_others_are_ordered():
    merchant = MerchantFactory()
    _rate(merchant, label="Phones", code="phones", commission_type="fixed", commission_value=D("6"))
    _rate(merchant, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31))
    _rate(merchant, label="Shown only", code="")
    _rate(merchant, label="Retired", code="tv", is_active=False)
    MerchantFactory()  # another store's card is its own

    assert _card(merchant) == [
        {**LAPTOPS_CARD, "from": "2026-01-01", "until": "2026-12-31"},
        {**LAPTOPS_CARD, "code": "phones", "label": "Phones", "type": "fixed", "value": "3"},
    ]


def test_a_bulk_delete_of_rates_rebuilds_the_card_and_a_store_delete_is_quiet():
    kept, emptied = MerchantFactory(), MerchantFactory()
    _rate(kept)
    _rate(emptied, code="phones")

    MerchantCommission.objects.filter(code="phones").delete()

    assert (_card(kept), _card(emptied)) == ([LAPTOPS_CARD], [])
    Merchant.objects.filter(pk=kept.pk).delete()  # cascades to its rates
    assert MerchantCommission.objects.count() == 0


def test_rebuild_rate_cards_fixes_a_card_nothing_told(capsys):
    merchant = MerchantFactory()
    _rate(merchant)
    MerchantCommission.objects.update(commission_value=D("20"))  # bulk: no signals
    Merchant.objects.update(rate_card=[])

    call_command("rebuild_rate_cards")

    assert _card(merchant) == [{**LAPTOPS_CARD, "value": "10"}]
    assert "Rebuilt the rate cards of 1 store(s)." in capsys.readouterr().out


def test_the_demo_loads_the_laptops_rate_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    acme = Merchant.objects.get(slug="acme-electronics")
    assert (acme.cashback_value, acme.cashback_max) == (D("4.0000"), D("50.00"))
    assert _card(acme) == [LAPTOPS_CARD]
    assert acme.commissions.count() == 3
    assert Merchant.objects.exclude(rate_card=[]).count() == 1


# --- the store page --------------------------------------------------------------------


def test_the_store_page_says_which_rate_applies_when(client, django_assert_num_queries):
    merchant = MerchantFactory(
        slug="acme", name="Acme", cashback_value=D("4"), cashback_max=D("50.00")
    )
    this_year_end = date(timezone.localdate().year, 12, 31)
    _rate(merchant, valid_until=this_year_end)
    _rate(merchant, label="Phones", code="phones", valid_until=date(2999, 1, 31))
    _rate(merchant, label="Tablets", code="tablets", valid_from=timezone.localdate() + timedelta(1))

    # The store, its rates, its offers' count, and the footer's pages and newsletter lists
    # (each loaded once per process, and this test starts a fresh one).
    with django_assert_num_queries(5):
        html = client.get(reverse("offers:merchant", args=["acme"])).content.decode()

    assert "Tablets" not in html  # a click today would not keep it
    assert '<td>Laptops <span class="small text-muted" data-test="rate-until">until 31 Dec' in html
    assert "Phones" in html and "until 31 Jan 2999" in html
    assert html.count("8% cashback") == 2
    assert (
        "An offer with cashback of its own pays that. Otherwise a category rate applies when "
        "Acme reports your purchase in that category and the rate is still running on the "
        "day you buy; anything else earns the store's rate, 4% cashback (up to USD 50.00)."
    ) in html


# --- the one rule ------------------------------------------------------------------------

STORE = CashbackTerms("percentage", D("4"), D("50.00"), False)
SALE_DAY = date(2026, 6, 15)


def _card_rate(**fields) -> dict:
    return {**LAPTOPS_CARD, **fields}


def _choose(rates, category="laptops", *, has_sale_amount=True, day=SALE_DAY):
    return choose_rate(
        terms=STORE,
        share=D("50"),
        rates=rates,
        category=category,
        sale_date=day,
        has_sale_amount=has_sale_amount,
        currency="USD",
    )


def test_a_matching_rate_pays_its_value_with_the_stores_cap_and_its_own_share():
    choice = _choose([_card_rate(share="25")])

    assert choice.terms == CashbackTerms("percentage", D("8"), D("50.00"), False)
    assert (choice.share, choice.label) == (D("25"), "8% of the sale (Laptops)")


@pytest.mark.parametrize(
    ("rate", "has_sale_amount", "label"),
    [
        ({}, False, "50% of the store's commission (Laptops)"),
        ({"type": "fixed", "value": "3"}, True, "USD 3.00 (Laptops)"),
        ({"type": "fixed", "value": "3"}, False, "USD 3.00 (Laptops)"),
        ({"value": "7.5"}, True, "7.5% of the sale (Laptops)"),
    ],
)
def test_labels_say_how_the_cashback_was_worked_out(rate, has_sale_amount, label):
    assert _choose([_card_rate(**rate)], has_sale_amount=has_sale_amount).label == label


@pytest.mark.parametrize(
    ("category", "has_sale_amount", "label"),
    [("", True, "4% of the sale"), ("phones", False, "50% of the store's commission")],
)
def test_without_a_match_the_clicks_terms_apply(category, has_sale_amount, label):
    choice = _choose([_card_rate()], category, has_sale_amount=has_sale_amount)

    assert (choice.terms, choice.share, choice.label) == (STORE, D("50"), label)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 5, 31), "4% of the sale"),
        (date(2026, 6, 1), "8% of the sale (Laptops)"),
        (date(2026, 6, 30), "8% of the sale (Laptops)"),
        (date(2026, 7, 1), "4% of the sale"),
    ],
)
def test_a_rate_pays_only_on_sale_dates_it_covers(day, label):
    june = _card_rate(**{"from": "2026-06-01", "until": "2026-06-30"})

    assert _choose([june], day=day).label == label


def test_of_overlapping_rates_for_a_code_the_one_that_started_last_wins():
    rates = [
        _card_rate(value="6", **{"from": "2026-06-01"}),
        _card_rate(value="9", **{"from": "2026-01-01"}),
        _card_rate(value="5"),
    ]

    assert _choose(rates).label == "6% of the sale (Laptops)"
