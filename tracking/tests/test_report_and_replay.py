import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from offers.tests.factories import NETWORK_TOKEN, MerchantFactory, NetworkFactory
from tracking.models import PostbackLog
from wallet.models import Account, CashbackEvent, Transaction

from .factories import ClickFactory

pytestmark = pytest.mark.django_db


def test_network_report_goes_through_the_postback_service(tmp_path, capsys):
    network = NetworkFactory(slug="affise-eu", convention="affise")
    store = MerchantFactory(network=network)
    first, second = ClickFactory(merchant=store), ClickFactory(merchant=store)
    report = tmp_path / "report.csv"
    report.write_text(
        "sub1,transactionid,order_sum,sum,status\n"
        f"{first.click_id},R-1,100.00,8.00,1\n"
        f"{second.click_id},R-2,50.00,4.00,2\n"
        f"not-a-click,R-3,10.00,1.00,2\n"
    )

    with pytest.raises(CommandError, match=r"1 row\(s\) failed"):
        call_command("import_network_report", "affise-eu", str(report))

    out = capsys.readouterr()
    assert "affise-eu: 1 failure, 2 success." in out.out
    assert "report.csv:4: invalid_click_id:" in out.err
    statuses = dict(CashbackEvent.objects.values_list("external_txn_id", "network_status"))
    assert statuses == {"R-1": "approved", "R-2": "pending"}
    assert PostbackLog.objects.filter(method="REPORT").count() == 3

    with pytest.raises(CommandError):
        call_command("import_network_report", "affise-eu", str(report))
    assert "affise-eu: 2 duplicate, 1 failure." in capsys.readouterr().out
    assert CashbackEvent.objects.count() == 2


def test_replay_reapplies_authenticated_postbacks_exactly_once(client, capsys):
    click = ClickFactory()
    network = click.merchant.network
    # A postback that authenticated but could not be applied then (say, during an outage).
    PostbackLog.objects.create(
        kind="network",
        source=network.slug,
        network=network,
        method="GET",
        authenticated=True,
        query={
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "LOST-1",
            "sale_amount": "100.00",
            "commission": "8.00",
        },
        outcome="failure",
        http_status=503,
        code="database_unavailable",
    )
    # A forged one: it never authenticated, so it must never become money.
    PostbackLog.objects.create(
        kind="network",
        source=network.slug,
        network=network,
        method="GET",
        authenticated=False,
        query={
            "token": "guess",
            "click_id": str(click.click_id),
            "txn_id": "FORGED",
            "sale_amount": "9999.00",
            "commission": "9999.00",
        },
        outcome="failure",
        http_status=403,
        code="invalid_token",
    )

    call_command("replay_postbacks", "--since", "2000-01-01")
    call_command("replay_postbacks", "--since", "2000-01-01", "--network", network.slug)

    assert list(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["LOST-1"]
    assert Transaction.objects.count() == 1
    pending = Account.objects.get(owner=click.user, kind="pending").balance
    assert pending == Decimal("8.00")
    out = capsys.readouterr().out
    assert "Replayed: 1 success." in out
    assert "Replayed: 1 duplicate." in out


def test_replay_reads_json_bodies_like_the_view(client):
    click = ClickFactory()
    network = click.merchant.network
    client.post(
        reverse("tracking:network-postback", args=[network.slug]),
        f'{{"token": "{NETWORK_TOKEN}", "click_id": "{click.click_id}", "txn_id": "J-1",'
        ' "sale_amount": 20.5, "commission": 2}',
        content_type="application/json",
    )

    call_command("replay_postbacks", "--since", "2000-01-01", stdout=io.StringIO())

    assert list(PostbackLog.objects.order_by("id").values_list("method", "outcome")) == [
        ("POST", "success"),
        ("REPLAY", "duplicate"),
    ]
    assert CashbackEvent.objects.get().sale_amount == Decimal("20.50")


def test_replay_refuses_a_bad_date():
    with pytest.raises(CommandError, match="is not a date"):
        call_command("replay_postbacks", "--since", "yesterday-ish")


def test_a_report_row_with_a_nul_fails_alone_and_the_others_apply(tmp_path, capsys):
    network = NetworkFactory(slug="affise-nul", convention="affise")
    store = MerchantFactory(network=network)
    good, bad = ClickFactory(merchant=store), ClickFactory(merchant=store)
    report = tmp_path / "report.csv"
    report.write_text(
        "sub1,transactionid,order_sum,sum,status\n"
        f"{bad.click_id},R-\x00,100.00,8.00,1\n"
        f"{good.click_id},R-2,50.00,4.00,2\n"
    )

    with pytest.raises(CommandError, match=r"1 row\(s\) failed"):
        call_command("import_network_report", "affise-nul", str(report))

    out = capsys.readouterr()
    assert "affise-nul: 1 failure, 1 success." in out.out
    assert "report.csv:2: invalid_parameter: A value contains NUL." in out.err
    assert list(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["R-2"]
    assert PostbackLog.objects.filter(method="REPORT").count() == 1
