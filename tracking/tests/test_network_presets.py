"""Issue 11, point 2: each network's preset reads postbacks exactly as that network's own
documentation says it sends them: its parameter names, its value formats, its statuses.

The first tests write each network's URL out by hand, as its documentation shows it; the
last ones send the very URL the admin tells staff to paste (offers.conventions), filled
in as the network fills it, so the URL shown is proven to work.
"""

from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from offers.conventions import PRESETS, postback_url_to_paste
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import Click
from wallet.models import Account, CashbackEvent, Entry

from .factories import ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
# When the shopper bought: after their click (an hour ago), before now. Whole seconds,
# as the networks send it.
SOLD_AT = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)


def _click(convention, **terms):
    """A shopper's click on a store of a network using `convention`, made an hour ago
    (10% cashback unless `terms` say otherwise; the store's shopper share is 50%)."""
    network = NetworkFactory(slug=f"{convention}-net", convention=convention)
    click = ClickFactory(merchant=MerchantFactory(network=network), **terms)
    Click.objects.filter(pk=click.pk).update(created_at=timezone.now() - timedelta(hours=1))
    return click


def _send(client, click, **params):
    """A GET postback to the click's network carrying exactly `params` (and its token)."""
    network = click.merchant.network
    query = urlencode({"token": NETWORK_TOKEN, **params})
    return client.get(f"{reverse('tracking:network-postback', args=[network.slug])}?{query}")


def _pending(user):
    return Account.objects.get(owner=user, kind="pending").balance


def _event(txn_id):
    event = CashbackEvent.objects.get(external_txn_id=txn_id)
    return (
        event.sale_amount,
        event.commission,
        event.cashback_amount,
        event.currency,
        event.network_status,
        event.status,
    )


def _ok(response):
    assert response.status_code == 200, response.json()
    return response.json()


# --- Everflow ----------------------------------------------------------------------------


def test_everflow_second_conversion_on_the_same_click_is_a_second_sale(client):
    """Everflow's {transaction_id} is its click id: two orders on one click share it and
    differ in {conversion_id}. Both are paid."""
    click = _click("everflow")
    everflow_click = "a1b2c3d4e5f6478899aabbccddeeff00"

    first = _send(
        client,
        click,
        sub1=str(click.click_id),
        transaction_id=everflow_click,
        conversion_id="9e6e4d8389f04c42825d81fee6360297",
        sale_amount="100.00",
        payout="8.00",
        currency="USD",
        status="approved",
    )
    second = _send(
        client,
        click,
        sub1=str(click.click_id),
        transaction_id=everflow_click,
        conversion_id="baab7e25bba046e6b080c799729c5cba",
        sale_amount="30.00",
        payout="2.40",
        currency="USD",
        status="pending",
    )

    assert _ok(first)["duplicate"] is False
    assert _ok(second)["duplicate"] is False
    assert CashbackEvent.objects.count() == 2
    assert _event("9e6e4d8389f04c42825d81fee6360297") == (
        D("100.00"),
        D("8.00"),
        D("8.00"),  # 10% of 100.00, capped by the 8.00 commission
        "USD",
        "approved",
        "pending",
    )
    assert _event("baab7e25bba046e6b080c799729c5cba") == (
        D("30.00"),
        D("2.40"),
        D("2.40"),  # 10% of 30.00 = 3.00, capped by the 2.40 commission
        "USD",
        "pending",
        "pending",
    )
    assert _pending(click.user) == D("10.40")


def test_everflow_invalid_means_rejected(client):
    click = _click("everflow")
    sale = {"sub1": str(click.click_id), "conversion_id": "c-1", "sale_amount": "50.00"}
    _ok(_send(client, click, **sale, payout="4.00", status="pending"))

    body = _ok(_send(client, click, **sale, payout="4.00", status="invalid"))

    assert (body["event"]["network_status"], body["event"]["status"]) == ("rejected", "rejected")
    assert _pending(click.user) == D("0.00")
    assert Entry.objects.filter(account__owner=click.user).count() == 2  # credit, withdrawal


# --- TUNE / HasOffers --------------------------------------------------------------------


def test_tune_reads_aff_click_id_payout_and_datetime(client):
    click = _click("tune")

    body = _ok(
        _send(
            client,
            click,
            aff_click_id=str(click.click_id),
            transaction_id="102f4a1b9c0d3e2f5a6b7c8d9e0f1a2b",
            sale_amount="200.00",
            payout="15.00",
            currency="USD",
            status="approved",
            datetime=SOLD_AT.strftime("%Y-%m-%d %H:%M:%S"),
        )
    )

    assert body["event"]["cashback"] == "15.00"  # 10% of 200.00, capped by 15.00
    assert _event("102f4a1b9c0d3e2f5a6b7c8d9e0f1a2b") == (
        D("200.00"),
        D("15.00"),
        D("15.00"),
        "USD",
        "approved",
        "pending",
    )
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("15.00")


def test_tune_still_reads_the_click_id_from_aff_sub(client):
    click = _click("tune")

    _ok(_send(client, click, aff_sub=str(click.click_id), transaction_id="t-9", payout="3.00"))

    event = CashbackEvent.objects.get()
    assert (event.click_uuid, event.sale_amount, event.cashback_amount) == (
        click.click_id,
        None,
        D("1.50"),  # no sale amount: the store's 50% share of the 3.00 commission
    )


# --- Affise ------------------------------------------------------------------------------


def test_affise_sum_is_the_payout_and_order_sum_the_price(client):
    click = _click("affise")
    sale = {
        "sub1": str(click.click_id),
        "transactionid": "5f1c0e2a9b7d",
        "order_sum": "100.00",
        "sum": "8.00",
        "currency": "USD",
        "timestamp": str(int(SOLD_AT.timestamp())),
    }

    pending = _ok(_send(client, click, **sale, status="2"))
    approved = _ok(_send(client, click, **sale, status="1"))

    # Read the other way round, 10% of an 8.00 "sale" would have paid 0.80.
    assert pending["event"]["cashback"] == "8.00"
    assert approved["event"]["network_status"] == "approved"
    assert _event("5f1c0e2a9b7d") == (
        D("100.00"),
        D("8.00"),
        D("8.00"),
        "USD",
        "approved",
        "pending",
    )
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("8.00")


@pytest.mark.parametrize(
    ("code", "network_status", "status", "pending"),
    [("2", "pending", "pending", "8.00"), ("5", "pending", "pending", "8.00")],
)
def test_affise_pending_and_hold_are_pending(client, code, network_status, status, pending):
    click = _click("affise")

    _ok(
        _send(
            client,
            click,
            sub1=str(click.click_id),
            transactionid="h-1",
            order_sum="100.00",
            sum="8.00",
            status=code,
        )
    )

    assert _event("h-1")[4:] == (network_status, status)
    assert _pending(click.user) == D(pending)


def test_affise_declined_takes_back_the_pending_cashback(client):
    click = _click("affise")
    sale = {"sub1": str(click.click_id), "transactionid": "d-1", "order_sum": "60.00"}
    _ok(_send(client, click, **sale, sum="5.00", status="2"))

    _ok(_send(client, click, **sale, sum="5.00", status="3"))

    assert _event("d-1")[4:] == ("rejected", "rejected")
    assert _pending(click.user) == D("0.00")


def test_affise_has_no_clickid_macro_so_clickid_is_not_read(client):
    click = _click("affise")

    response = _send(
        client, click, clickid=str(click.click_id), transactionid="x-1", order_sum="9", sum="1"
    )

    assert (response.status_code, response.json()["code"]) == (400, "missing_field")
    assert response.json()["detail"] == "Missing click_id."
    assert CashbackEvent.objects.count() == 0


# --- CAKE --------------------------------------------------------------------------------


def test_cake_pays_the_stores_share_of_the_payout_and_keys_on_leadid(client):
    """CAKE's tokens carry the payout (#price#) and no sale amount; #tid# may be empty."""
    click = _click("cake")

    body = _ok(
        _send(
            client,
            click,
            s2=str(click.click_id),
            leadid="1048576",
            tid="",
            price="8.00",
            utcunixtime=str(int(SOLD_AT.timestamp())),
        )
    )

    assert body["event"]["cashback"] == "4.00"  # 50% of the 8.00 commission
    assert _event("1048576") == (None, D("8.00"), D("4.00"), "USD", "pending", "pending")
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("4.00")


def test_cake_fixed_cashback_stays_fixed(client):
    click = _click("cake", cashback_type="fixed", cashback_value=D("3.00"))

    _ok(_send(client, click, s2=str(click.click_id), leadid="77", price="8.00"))

    assert _event("77")[:3] == (None, D("8.00"), D("3.00"))
    assert _pending(click.user) == D("3.00")


def test_cake_two_leads_on_one_click_are_two_sales(client):
    click = _click("cake")

    _ok(_send(client, click, s2=str(click.click_id), leadid="1", tid="ORDER-1", price="2.00"))
    _ok(_send(client, click, s2=str(click.click_id), leadid="2", tid="ORDER-1", price="6.00"))

    assert sorted(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["1", "2"]
    assert _pending(click.user) == D("4.00")  # 1.00 + 3.00


# --- Post Affiliate Pro ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "network_status", "status", "pending"),
    [("A", "approved", "pending", "8.00"), ("P", "pending", "pending", "8.00")],
)
def test_pap_statuses(client, code, network_status, status, pending):
    click = _click("pap")

    _ok(
        _send(
            client,
            click,
            data1=str(click.click_id),
            orderid="ORD_12345XYZ",
            totalcost="120.50",
            commission="8.00",
            status=code,
        )
    )

    assert _event("ORD_12345XYZ") == (
        D("120.50"),
        D("8.00"),
        D("8.00"),  # 10% of 120.50 = 12.05, capped by 8.00
        "USD",
        network_status,
        status,
    )
    assert _pending(click.user) == D(pending)


def test_pap_declined_takes_back_the_pending_cashback(client):
    click = _click("pap")
    sale = {"data1": str(click.click_id), "orderid": "O-2", "totalcost": "40.00"}
    _ok(_send(client, click, **sale, commission="3.00", status="P"))

    _ok(_send(client, click, **sale, commission="3.00", status="D"))

    assert _event("O-2")[2:] == (D("3.00"), "USD", "rejected", "rejected")
    assert _pending(click.user) == D("0.00")


# --- impact.com --------------------------------------------------------------------------


def test_impact_action_lifecycle_pending_approved_reversed(client):
    click = _click("impact")
    local = SOLD_AT.astimezone(timezone.get_fixed_timezone(-420))  # impact sends an offset
    action = {
        "SubId1": str(click.click_id),
        "ActionId": "8882.1234.1234567",
        "Amount": "100.00",
        "Payout": "8.00",
        "Currency": "USD",
        "EventDate": local.isoformat(),
    }

    pending = _ok(_send(client, click, **action, ActionStatus="PENDING"))
    approved = _ok(_send(client, click, **action, ActionStatus="APPROVED"))
    assert _pending(click.user) == D("8.00")
    reversed_ = _ok(_send(client, click, **action, ActionStatus="REVERSED"))

    assert [r["event"]["network_status"] for r in (pending, approved, reversed_)] == [
        "pending",
        "approved",
        "reversed",
    ]
    assert _event("8882.1234.1234567") == (
        D("100.00"),
        D("8.00"),
        D("8.00"),
        "USD",
        "reversed",
        "reversed",
    )
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("0.00")


# --- Admitad -----------------------------------------------------------------------------


def test_admitad_reads_its_names_and_declined_rejects(client):
    click = _click("admitad")
    action = {
        "subid": str(click.click_id),
        "order_id": "A-556677",
        "order_sum": "100.00",
        "payment_sum": "8.00",
        "currency": "USD",
        "time": str(int(SOLD_AT.timestamp())),
    }

    created = _ok(_send(client, click, **action, status="pending"))
    assert (created["event"]["cashback"], _pending(click.user)) == ("8.00", D("8.00"))
    declined = _ok(_send(client, click, **action, status="declined"))

    assert declined["event"]["network_status"] == "rejected"
    assert _event("A-556677") == (D("100.00"), D("8.00"), D("8.00"), "USD", "rejected", "rejected")
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("0.00")


def test_admitad_approved_but_stalled_is_still_pending(client):
    click = _click("admitad")

    _ok(
        _send(
            client,
            click,
            subid=str(click.click_id),
            order_id="A-1",
            order_sum="10.00",
            payment_sum="1.00",
            status="approved_but_stalled",
        )
    )

    assert _event("A-1")[4:] == ("pending", "pending")


# --- Awin --------------------------------------------------------------------------------


def test_awin_transaction_notification_is_a_pending_sale(client):
    click = _click("awin")

    body = _ok(
        _send(
            client,
            click,
            clickRef=str(click.click_id),
            transactionId="105956531",
            transactionAmount="26.09",
            commission="1.64",
            transactionCurrency="USD",
            transactionDate=SOLD_AT.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        )
    )

    assert body["event"]["cashback"] == "1.64"  # 10% of 26.09 = 2.61, capped by 1.64
    assert _event("105956531") == (D("26.09"), D("1.64"), D("1.64"), "USD", "pending", "pending")
    assert CashbackEvent.objects.get().sale_at == SOLD_AT
    assert _pending(click.user) == D("1.64")


def test_awin_report_statuses_use_the_same_map(client):
    click = _click("awin")
    sale = {"clickRef": str(click.click_id), "transactionId": "9", "commission": "2.00"}
    _ok(_send(client, click, **sale, transactionAmount="20.00"))

    body = _ok(_send(client, click, **sale, transactionAmount="20.00", commissionStatus="declined"))

    assert (body["event"]["network_status"], body["event"]["status"]) == ("rejected", "rejected")
    assert _pending(click.user) == D("0.00")


# --- the URL the admin shows, as the network fills it ------------------------------------

# Each network's format for the sale time it fills in.
SALE_TIME = {
    "custom": SOLD_AT.isoformat(),
    "tune": SOLD_AT.strftime("%Y-%m-%d %H:%M:%S"),
    "affise": str(int(SOLD_AT.timestamp())),
    "cake": str(int(SOLD_AT.timestamp())),
    "impact": SOLD_AT.astimezone(timezone.get_fixed_timezone(120)).isoformat(),
    "admitad": str(int(SOLD_AT.timestamp())),
    "awin": SOLD_AT.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
}
# What each preset's URL carries beyond the ids: (sale amount, status it sends, expected
# network status, cashback). CAKE has no sale amount; CAKE and Awin send no status.
EXPECTED = {
    "custom": ("approved", "approved", D("100.00"), D("8.00")),
    "everflow": ("approved", "approved", D("100.00"), D("8.00")),
    "tune": ("approved", "approved", D("100.00"), D("8.00")),
    "affise": ("1", "approved", D("100.00"), D("8.00")),
    "cake": (None, "pending", None, D("4.00")),
    "pap": ("A", "approved", D("100.00"), D("8.00")),
    "impact": ("APPROVED", "approved", D("100.00"), D("8.00")),
    "admitad": ("approved", "approved", D("100.00"), D("8.00")),
    "awin": (None, "pending", D("100.00"), D("8.00")),
}


def test_every_preset_is_covered_here():
    assert set(EXPECTED) == set(PRESETS)


@pytest.mark.parametrize("convention", sorted(PRESETS))
def test_the_url_the_admin_shows_works_as_the_network_fills_it(client, convention):
    click = _click(convention)
    status_sent, network_status, sale_amount, cashback = EXPECTED[convention]
    endpoint = "http://testserver" + reverse(
        "tracking:network-postback", args=[click.merchant.network.slug]
    )
    shown = postback_url_to_paste(convention, endpoint)
    url = PRESETS[convention].fill(
        shown,
        {
            "click_id": str(click.click_id),
            "txn_id": f"{convention}-0001",
            "sale_amount": "100.00",
            "commission": "8.00",
            "currency": settings.PLATFORM_CURRENCY,
            "status": status_sent or "",
            "sale_date": SALE_TIME.get(convention, ""),
        },
        token=NETWORK_TOKEN,
    )

    _ok(client.get(url))

    event = CashbackEvent.objects.get(external_txn_id=f"{convention}-0001")
    assert (event.click_uuid, event.sale_amount, event.commission, event.cashback_amount) == (
        click.click_id,
        sale_amount,
        D("8.00"),
        cashback,
    )
    assert event.network_status == network_status
    if convention in SALE_TIME:
        assert event.sale_at == SOLD_AT
    assert _pending(click.user) == cashback


def test_the_readme_shows_every_presets_url_and_statuses():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()

    for preset in PRESETS.values():
        assert f"`{preset.query_template()}`" in readme
        for theirs in preset.statuses:
            assert f"`{theirs}`" in readme
