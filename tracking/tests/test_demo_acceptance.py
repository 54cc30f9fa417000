"""The issue's acceptance scenario, step by step, on the demo data."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from offers.models import Offer
from tracking.models import Click, PostbackLog
from wallet.models import Transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_click_out_postback_and_duplicate(client, demo, capsys):
    shopper = User.objects.get(email="demo@savebucks.test")
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")
    offer = Offer.objects.live().get(external_id="demo-glow-beauty-1")  # 12% cashback
    wallet_before = client.get(reverse("api-me-wallet")).json()

    out = client.get(f"/out/{offer.pk}/")

    assert out.status_code == 302
    click_id = re.search(r"click=([0-9a-f-]{36})", out["Location"]).group(1)
    assert Click.objects.get(click_id=click_id).user == shopper
    postback = (
        f"/postback/demo/?token=demo-token&click_id={click_id}"
        "&txn_id=T1&sale_amount=100.00&commission=8.00"
    )

    first = client.get(postback)
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["duplicate"]) == ("ok", False)
    assert first.json()["event"]["cashback"] == "8.00"  # 12% of 100.00, capped at the commission
    wallet = client.get(reverse("api-me-wallet")).json()
    assert Decimal(wallet["pending"]) == Decimal(wallet_before["pending"]) + Decimal("8.00")
    assert f"USD {wallet['pending']}" in client.get(reverse("dashboard")).content.decode()
    ledger = Transaction.objects.count()

    again = client.get(postback)
    assert again.json()["duplicate"] is True
    assert client.get(reverse("api-me-wallet")).json() == wallet
    assert Transaction.objects.count() == ledger

    wrong = client.get(postback.replace("demo-token", "not-the-token"))
    assert wrong.status_code == 403
    assert PostbackLog.objects.filter(code="invalid_token").count() == 1

    posted = client.post(
        "/postback/demo/",
        {
            "token": "demo-token",
            "click_id": click_id,
            "txn_id": "T2",
            "sale_amount": "50.00",
            "commission": "4.00",
        },
    )
    assert (posted.status_code, posted.json()["event"]["cashback"]) == (200, "4.00")

    call_command("wallet_audit")
    assert "every invariant holds" in capsys.readouterr().out
