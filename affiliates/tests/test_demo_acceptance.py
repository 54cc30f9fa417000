"""The affiliate issue's acceptance scenario, step by step, on the demo data."""

import io
import json
import re
from datetime import timedelta
from decimal import Decimal as D
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory
from affiliates.models import Conversion, Partner, PartnerPostback, PostbackDelivery
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import payable_balance
from tracking.models import AffiliateClick
from tracking.services.rollups import counters_roll_up
from wallet.models import PayoutBatch, Withdrawal

pytestmark = pytest.mark.django_db

PASSWORD = "partner-pass-123"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())
    return Partner.objects.get(user__email="partner@savebucks.test")


def _report(client, group_by):
    response = client.get(reverse("api-partner-reports"), {"group_by": group_by})
    assert response.status_code == 200, response.content
    return {row["group"]: row for row in response.json()}


def test_demo_link_conversion_postback_and_partner_postback(
    client, demo, partner_server, django_capture_on_commit_callbacks
):
    PartnerPostback.objects.create(
        partner=demo,
        url=f"{partner_server.url}/pb?cid={{click_id}}&s1={{sub1}}&txn={{txn_id}}"
        "&payout={payout}&status={status}&goal={goal}",
    )
    before = _report_as(client, demo, "sub1").get("abc")
    assert before is None

    out = client.get("/go/demo-link/?sub1=abc")

    assert out.status_code == 302
    landing = urlsplit(out["Location"])
    query = parse_qs(landing.query)
    assert (landing.netloc, landing.path, query["s1"]) == ("example.com", "/landing", ["abc"])
    click = AffiliateClick.objects.get(click_id=query["click"][0])
    assert (click.partner_id, click.sub1) == (demo.pk, "abc")
    AffiliateClick.objects.filter(pk=click.pk).update(  # a shopper who took a minute to buy
        created_at=timezone.now() - timedelta(minutes=1)
    )
    postback = {
        "token": "demo-conv-token",
        "click_id": str(click.click_id),
        "goal": "DEMOSALE01",
        "txn_id": "C1",
        "amount": "50.00",
    }

    with django_capture_on_commit_callbacks(execute=True):  # sends the partner postback
        first = client.get("/postback/conversion/", postback)
        again = client.get("/postback/conversion/", postback)

    assert first.status_code == 200, first.content
    assert first.json()["duplicate"] is False
    assert first.json()["conversion"]["commission"] == "5.00"  # DEMOSALE01 pays 10%
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    conversion = Conversion.objects.get(txn_id="C1")
    assert (conversion.status, conversion.commission, conversion.sub1) == (
        "pending",
        D("5.00"),
        "abc",
    )

    # The partner's tracker heard about it once, with every macro filled.
    assert len(partner_server.requests) == 1
    heard = parse_qs(urlsplit(partner_server.requests[0].path).query)
    assert heard == {
        "cid": [str(click.click_id)],
        "s1": ["abc"],
        "txn": ["C1"],
        "payout": ["5.00"],
        "status": ["pending"],
        "goal": ["DEMOSALE01"],
    }
    delivery = PostbackDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("delivered", "")

    # Dashboard and the sub1 report show it (clicks once the minute's rollup has run).
    client.force_login(demo.user)
    page = client.get(reverse("affiliates:dashboard")).content.decode()
    assert re.search(r'data-test="earnings-pending">11\.50<', page)  # 4.50 + 2.00 + 5.00
    counters_roll_up()
    row = _report(client, "sub1")["abc"]
    assert (row["clicks"], row["unique_clicks"], row["conversions"], row["earnings"]) == (
        1,
        1,
        1,
        "5.00",
    )


def _report_as(client, partner, group_by):
    client.force_login(partner.user)
    rows = _report(client, group_by)
    client.logout()
    return rows


def test_demo_commission_approved_held_paid_out(client, demo, capsys):
    conversion = Conversion.objects.get(txn_id="DEMO-AFF-04")  # pending 4.50 on a 45.00 sale
    click_id = str(conversion.click_uuid)
    payable_before = payable_balance(demo)
    assert payable_before == D("55.00")  # the demo's two commissions past their hold

    approve = client.get(
        "/postback/conversion/",
        {
            "token": "demo-conv-token",
            "click_id": click_id,
            "txn_id": "DEMO-AFF-04",
            "status": "approved",
        },
    )

    assert approve.status_code == 200, approve.content
    conversion.refresh_from_db()
    assert conversion.status == "approved"
    assert conversion.payable_at == conversion.approved_at + timedelta(days=30)
    # DEMO-AFF-03, approved six days ago, comes out of its hold first; this one a day later.
    assert commissions_make_payable(now=conversion.payable_at - timedelta(days=1)) == 1
    assert payable_balance(demo) == D("63.00")
    assert commissions_make_payable(now=conversion.payable_at - timedelta(seconds=1)) == 0
    assert commissions_make_payable(now=conversion.payable_at) == 1
    assert payable_balance(demo) == D("67.50")

    assert client.login(email="partner@savebucks.test", password=PASSWORD)
    requested = client.post(reverse("affiliates:payout-request"), follow=True)
    assert "Payout of USD 67.50 requested" in requested.content.decode()
    payout = Withdrawal.objects.get(user=demo.user)
    assert (payout.source, payout.amount, payout.status) == ("commission", D("67.50"), "pending")
    assert payable_balance(demo) == D("0.00")
    assert set(Conversion.objects.filter(payout=payout).values_list("txn_id", flat=True)) == {
        "DEMO-AFF-01",
        "DEMO-AFF-02",
        "DEMO-AFF-03",
        "DEMO-AFF-04",
    }

    client.force_login(SuperuserFactory())
    client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "approve", "_selected_action": [payout.pk], "reason": ""},
    )
    call_command("process_payouts", stdout=io.StringIO())
    batch = PayoutBatch.objects.get()
    call_command(
        "process_payouts",
        "--mark-paid",
        batch.sender_batch_id,
        "--reference",
        "PP-1",
        stdout=io.StringIO(),
    )

    payout.refresh_from_db()
    assert (payout.status, payout.fee, payout.net_amount) == ("completed", D("1.35"), D("66.15"))
    assert sorted(Conversion.objects.filter(status="paid").values_list("txn_id", flat=True)) == [
        "DEMO-AFF-01",
        "DEMO-AFF-02",
        "DEMO-AFF-03",
        "DEMO-AFF-04",
    ]
    assert payable_balance(demo) == D("0.00")
    client.force_login(demo.user)
    conversions = client.get(reverse("api-partner-conversions"), {"status": "paid"}).json()
    assert sorted(c["txn_id"] for c in conversions["results"]) == [
        "DEMO-AFF-01",
        "DEMO-AFF-02",
        "DEMO-AFF-03",
        "DEMO-AFF-04",
    ]
    call_command("wallet_audit")
    assert "every invariant holds" in capsys.readouterr().out


def test_demo_dashboard_numbers(client, demo):
    client.force_login(demo.user)

    page = client.get(reverse("affiliates:dashboard")).content.decode()

    stats = {
        name: re.search(rf'data-test="{name}">([^<]+)<', page).group(1)
        for name in ("clicks", "conversions", "earnings-pending", "earnings-approved", "payable")
    }
    assert stats == {
        "clicks": "47",
        "conversions": "5",  # the declined one does not count
        "earnings-pending": "6.50",
        "earnings-approved": "63.00",
        "payable": "55.00",
    }
    daily = json.loads(re.search(r'id="partner-daily"[^>]*>([^<]+)<', page).group(1))
    assert len(daily) == 30
    assert sum(day["clicks"] for day in daily) == 47


def test_demo_viewer_reads_reports_but_gets_403_creating_a_link(client, demo):
    """Issue 13's acceptance on the demo: the partner's viewer (README: viewer@savebucks.test)."""
    from rest_framework.test import APIClient

    from affiliates.models import Link
    from campaigns.models import Campaign

    campaign = Campaign.objects.get(slug="demo-campaign")
    assert client.login(email="viewer@savebucks.test", password="viewer-pass-123")
    api = APIClient()
    api.login(email="viewer@savebucks.test", password="viewer-pass-123")
    links = Link.objects.filter(partner=demo).count()

    assert client.get(reverse("affiliates:reports")).status_code == 200
    assert api.get(reverse("api-partner-reports")).status_code == 200
    assert client.post(reverse("affiliates:links"), {"campaign": campaign.pk}).status_code == 403
    refused = api.post(reverse("api-partner-links"), {"campaign": campaign.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")
    assert Link.objects.filter(partner=demo).count() == links
