"""A later report about a sale we hold is read as of that sale: no status means no news
about the status, no category means the sale's category, and amounts in another currency
are converted at the sale's own rate, not today's."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from affiliates.models import Conversion
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.models import MerchantCommission
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory
from tracking.models import Click
from wallet.models import Account, CashbackAmendment, CashbackEvent, FxRate, Transaction

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _postback(client, click, **params):
    query = {"token": NETWORK_TOKEN, "click_id": str(click.click_id), "txn_id": "T1", **params}
    return client.get(f"/postback/{click.merchant.network.slug}/", query)


def _pending(user) -> Decimal:
    return Account.objects.get(owner=user, kind="pending").balance


def test_a_later_report_without_a_status_changes_amounts_and_keeps_the_approval(client):
    click = ClickFactory()
    _postback(client, click, sale_amount="100.00", commission="20.00", status="approved")

    changed = _postback(client, click, sale_amount="70.00", commission="14.00")

    assert changed.status_code == 200, changed.content
    event = CashbackEvent.objects.get()
    assert (event.status, event.network_status, event.cashback_amount) == (
        "pending",
        "approved",
        D("7.00"),
    )
    assert _pending(click.user) == D("7.00")


def test_a_later_report_without_a_category_keeps_the_sales_category_rate(client):
    merchant = MerchantFactory(cashback_value=D("4"), shopper_share=D("50"))
    MerchantCommission.objects.create(
        merchant=merchant, label="Laptops", code="laptops", commission_value=D("16")
    )
    client.force_login(UserFactory())
    out = client.get(reverse("tracking:out-merchant", args=[merchant.slug]))
    click = Click.objects.get(click_id=re.search(r"[0-9a-f-]{36}", out["Location"])[0])
    first = _postback(client, click, sale_amount="100.00", commission="20.00", category="laptops")
    assert first.json()["event"]["cashback"] == "8.00"

    changed = _postback(client, click, sale_amount="50.00", commission="10.00")

    assert changed.json()["event"]["cashback"] == "4.00"  # 8% of 50.00, not the default 4%
    assert CashbackEvent.objects.get().category_code == "laptops"


def _rate(day: date, rate: str) -> None:
    FxRate.objects.create(date=day, currency="EUR", rate=D(rate))


def test_a_status_update_on_a_euro_sale_uses_the_sales_rate_not_todays(client):
    today = timezone.localdate()
    _rate(today - timedelta(days=20), "1.1000")
    click = ClickFactory()
    Click.objects.filter(pk=click.pk).update(created_at=timezone.now() - timedelta(days=21))
    sold = (timezone.now() - timedelta(days=20)).isoformat()
    first = _postback(
        client, click, sale_amount="100.00", commission="20.00", currency="EUR", sale_date=sold
    )
    assert first.json()["event"]["cashback"] == "11.00"  # 10% of 110.00
    _rate(today, "1.3000")  # the euro rose since
    ledger = Transaction.objects.count()

    approved = _postback(
        client, click, sale_amount="100.00", commission="20.00", currency="EUR", status="approved"
    )

    assert approved.status_code == 200, approved.content
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.cashback_amount) == (
        D("110.00"),
        D("22.00"),
        D("11.00"),
    )
    assert event.network_status == "approved"
    assert CashbackAmendment.objects.count() == 0
    assert Transaction.objects.count() == ledger


def test_a_changed_euro_amount_is_converted_at_the_sales_rate(client):
    _rate(timezone.localdate() - timedelta(days=3), "1.1000")
    click = ClickFactory()
    _postback(client, click, sale_amount="100.00", commission="20.00", currency="EUR")

    FxRate.objects.all().delete()  # a later report needs no rate: it reuses the sale's
    changed = _postback(client, click, sale_amount="50.00", commission="10.00", currency="EUR")

    assert changed.status_code == 200, changed.content
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.original_sale_amount, event.cashback_amount) == (
        D("55.00"),
        D("50.00"),
        D("5.50"),
    )
    assert _pending(click.user) == D("5.50")


def test_a_later_conversion_report_without_a_status_is_no_news(client):
    campaign = CampaignFactory(token="conv-token")
    GoalFactory(campaign=campaign)
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    query = {"token": "conv-token", "click_id": str(click.click_id), "txn_id": "C1"}
    client.get("/postback/conversion/", {**query, "amount": "100.00", "status": "approved"})

    again = client.get("/postback/conversion/", {**query, "amount": "100.00"})

    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert Conversion.objects.get().status == "approved"


def test_a_euro_conversion_status_update_needs_no_rate_for_today(client):
    campaign = CampaignFactory(token="conv-token")
    GoalFactory(campaign=campaign)
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    _rate(timezone.localdate() - timedelta(days=1), "1.1000")
    query = {"token": "conv-token", "click_id": str(click.click_id), "txn_id": "C1"}
    first = client.get("/postback/conversion/", {**query, "amount": "100.00", "currency": "EUR"})
    assert first.status_code == 200, first.content
    FxRate.objects.all().delete()

    approved = client.get(
        "/postback/conversion/",
        {**query, "amount": "100.00", "currency": "EUR", "status": "approved"},
    )

    assert approved.status_code == 200, approved.content
    assert Conversion.objects.get().status == "approved"


def test_the_shopper_sees_how_the_cashback_was_worked_out(client):
    click = ClickFactory(merchant__name="Acme", merchant__shopper_share=D("50"))
    _postback(client, click, commission="20.00")  # no sale amount: half the commission
    client.force_login(click.user)

    listed = client.get(reverse("api-me-cashback")).json()["results"][0]
    page = client.get(reverse("tracking:activity")).content.decode()
    memo = Transaction.objects.get(kind="cashback.pending").memo

    assert (listed["cashback"], listed["rate_label"]) == ("10.00", "50% of the store's commission")
    assert "50% of the store&#x27;s commission" in page
    assert memo == "Cashback pending: Acme (50% of the store's commission)"


def test_a_later_report_naming_no_currency_speaks_in_the_sales_own(client):
    _rate(timezone.localdate(), "1.1000")
    click = ClickFactory()
    _postback(client, click, sale_amount="100.00", commission="20.00", currency="EUR")

    update = _postback(client, click, sale_amount="100.00", commission="20.00", status="approved")

    assert (update.status_code, update.json()["event"]["cashback"]) == (200, "11.00")
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.original_sale_amount, event.network_status) == (
        D("110.00"),
        D("100.00"),
        "approved",
    )
    assert CashbackAmendment.objects.count() == 0


def test_chargebacks_the_network_names_are_told_apart_by_their_id(client):
    click = ClickFactory()
    _postback(client, click, sale_amount="100.00", commission="20.00")  # cashback 10.00

    first = _postback(client, click, sale_amount="-10.00", commission="-2.00", adjustment_id="A1")
    retry = _postback(client, click, sale_amount="-10.00", commission="-2.00", adjustment_id="A1")
    second = _postback(client, click, sale_amount="-10.00", commission="-2.00", adjustment_id="A2")

    assert [r.json()["duplicate"] for r in (first, retry, second)] == [False, True, False]
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.cashback_amount) == (
        D("80.00"),
        D("16.00"),
        D("8.00"),
    )
    assert _pending(click.user) == D("8.00")
    assert CashbackAmendment.objects.count() == 2
