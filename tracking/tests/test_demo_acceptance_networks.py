"""Issue 11's acceptance scenario on the demo data, as the `demo` network would send it."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wallet.models import CashbackEvent

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shopper(client, settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")
    return client


def _click(client) -> str:
    out = client.get("/out/m/acme-electronics/")  # 4% of the sale, up to 50.00
    assert out.status_code == 302
    return re.search(r"click=([0-9a-f-]{36})", out["Location"]).group(1)


def _post(client, click_id, txn, **params):
    query = {"token": "demo-token", "click_id": click_id, "txn_id": txn, **params}
    return client.get("/postback/demo/", query)


def _balances(client) -> tuple[Decimal, Decimal]:
    wallet = client.get(reverse("api-me-wallet")).json()
    return D(wallet["pending"]), D(wallet["available"])


def test_taken_back_sales_by_their_state(shopper):
    click = _click(shopper)
    pending, available = _balances(shopper)

    _post(shopper, click, "A1", sale_amount="100.00", commission="20.00", status="approved")
    assert _balances(shopper) == (pending + D("4.00"), available)
    rejected = _post(
        shopper, click, "A1", sale_amount="100.00", commission="20.00", status="rejected"
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["event"]["status"] == "reversed"
    assert _balances(shopper) == (pending, available)

    _post(shopper, click, "A2", sale_amount="100.00", commission="20.00")
    reversed_ = _post(
        shopper, click, "A2", sale_amount="100.00", commission="20.00", status="reversed"
    )
    assert reversed_.status_code == 200, reversed_.content
    assert reversed_.json()["event"]["status"] == "rejected"
    assert _balances(shopper) == (pending, available)


def test_category_rate_commission_only_and_amount_change(shopper):
    click = _click(shopper)
    pending, _ = _balances(shopper)

    laptops = _post(
        shopper, click, "C1", sale_amount="100.00", commission="20.00", category="laptops"
    )
    default = _post(shopper, click, "C2", sale_amount="100.00", commission="20.00")
    share = _post(shopper, click, "C3", commission="20.00")

    assert laptops.json()["event"]["cashback"] == "8.00"
    assert default.json()["event"]["cashback"] == "4.00"
    assert share.json()["event"]["cashback"] == "10.00"  # 50% of the store's commission
    assert _balances(shopper)[0] == pending + D("22.00")

    changed = _post(shopper, click, "C2", sale_amount="70.00", commission="14.00")
    assert changed.json()["event"]["cashback"] == "2.80"
    assert _balances(shopper)[0] == pending + D("20.80")
    again = _post(shopper, click, "C2", sale_amount="70.00", commission="14.00")
    assert again.json()["duplicate"] is True
    assert _balances(shopper)[0] == pending + D("20.80")


def test_a_euro_sale_and_a_sale_before_its_click(shopper, tmp_path):
    today = timezone.localdate()
    rates = tmp_path / "rates.csv"
    rates.write_text(f"date,currency,rate\n{today.isoformat()},EUR,1.1000\n")
    call_command("import_fx_rates", str(rates), stdout=io.StringIO())
    click = _click(shopper)
    pending, _ = _balances(shopper)

    euro = _post(shopper, click, "E1", sale_amount="100.00", commission="20.00", currency="EUR")

    assert euro.status_code == 200, euro.content
    assert euro.json()["event"]["cashback"] == "4.40"  # 4% of 110.00
    event = CashbackEvent.objects.get(external_txn_id="E1")
    assert (event.sale_amount, event.commission, event.currency) == (D("110.00"), D("22.00"), "USD")
    assert (event.original_sale_amount, event.original_commission, event.original_currency) == (
        D("100.00"),
        D("20.00"),
        "EUR",
    )
    listed = next(
        row
        for row in shopper.get(reverse("api-me-cashback")).json()["results"]
        if row["id"] == event.pk
    )
    assert (listed["original_sale_amount"], listed["original_currency"]) == ("100.00", "EUR")
    assert _balances(shopper)[0] == pending + D("4.40")

    early = (timezone.now() - timedelta(days=1)).isoformat()
    before = _post(shopper, click, "E2", sale_amount="100.00", commission="20.00", sale_date=early)
    assert (before.status_code, before.json()["code"]) == (400, "invalid_sale_date")
    assert not CashbackEvent.objects.filter(external_txn_id="E2").exists()


def test_the_books_balance_after_all_of_it(shopper, capsys, tmp_path):
    test_taken_back_sales_by_their_state(shopper)
    test_category_rate_commission_only_and_amount_change(shopper)
    test_a_euro_sale_and_a_sale_before_its_click(shopper, tmp_path)
    call_command("wallet_audit")
    assert "every invariant holds" in capsys.readouterr().out
