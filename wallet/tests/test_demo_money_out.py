"""The money-out acceptance scenario, step by step, on the demo data."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import SuperuserFactory
from offers.models import Offer
from wallet.models import PayoutBatch, Withdrawal

from .factories import balances

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(email="demo@savebucks.test")


def test_confirm_withdraw_pay_and_the_books_agree(client, demo, capsys):
    shopper = demo
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")
    offer = Offer.objects.get(external_id="demo-peak-outdoor-1")  # 7.5%, up to 40.00
    click_id = re.search(
        r"click=([0-9a-f-]{36})", client.get(f"/out/{offer.pk}/")["Location"]
    ).group(1)
    client.get(
        "/postback/demo/",
        {
            "token": "demo-token",
            "click_id": click_id,
            "txn_id": "OUT-1",
            "sale_amount": "200.00",
            "commission": "20.00",
            "status": "approved",
        },
    )
    before = balances(shopper)

    call_command("confirm_cashback", stdout=io.StringIO())
    after = balances(shopper)
    assert after["available"] - before["available"] == D("15.00")  # 7.5% of 200.00
    assert before["pending"] - after["pending"] == D("15.00")
    call_command("confirm_cashback", stdout=io.StringIO())
    assert balances(shopper) == after

    response = client.post(
        reverse("wallet:withdraw"),
        {"method": "bank", "amount": "40.00", "password": "demo-pass-123"},
        follow=True,
    )
    assert "Withdrawal of USD 40.00 requested" in response.content.decode()
    withdrawal = Withdrawal.objects.get(user=shopper)

    client.force_login(SuperuserFactory())
    client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "approve", "_selected_action": [withdrawal.pk], "reason": ""},
    )
    call_command("process_payouts", stdout=io.StringIO())
    batch = PayoutBatch.objects.get()
    assert "account_number=000123456789" in batch.export_csv  # the bank file names the account
    call_command(
        "process_payouts",
        "--mark-paid",
        batch.sender_batch_id,
        "--reference",
        "BANK-1",
        stdout=io.StringIO(),
    )

    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.fee, withdrawal.net_amount) == (
        "completed",
        D("0.50"),
        D("39.50"),
    )
    final = balances(shopper)
    assert final["available"] == after["available"] - D("40.00")
    assert final["hold"] == D("0.00")

    client.force_login(shopper)
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("wallet:statement-csv")).content.decode()))
    )
    assert D(rows[0]["balance_after"]) == final["available"]  # newest first
    assert sum(D(r["amount"]) for r in rows) == final["available"]
    for row in rows:
        assert D(row["balance_before"]) + D(row["amount"]) == D(row["balance_after"])
    call_command("wallet_audit")
    assert "every invariant holds" in capsys.readouterr().out
