"""Issue 15's acceptance on the demo data, end to end through the public surfaces: the
demo shopper opens a ticket and a claim through the API, a second shopper cannot see
either, a postback for the claimed click closes the claim by itself, a claim whose trip
is too old is refused `no_click`, and the demo support agent's reply in the admin reaches
the shopper in the app and by email."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from offers.models import Merchant
from support.models import MissingCashbackClaim, Notification, NotificationInbox, Ticket
from support.services.claims import claims_advance
from tracking.tests.factories import ClickFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(email="demo@savebucks.test")


def _click(user, merchant, days_ago: int):
    click = ClickFactory(user=user, merchant=merchant)
    # created_at is auto_now_add: move the trip back to when it happened.
    type(click).objects.filter(pk=click.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return click


def test_issue_15_acceptance_on_the_demo(
    demo, client, mailoutbox, django_capture_on_commit_callbacks
):
    merchant = Merchant.objects.get(slug="acme-electronics")
    click = _click(demo, merchant, days_ago=6)
    order_date = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")

    # A ticket and a claim through the API.
    ticket = client.post(
        "/api/v1/me/tickets/",
        {"subject": "Where is my payout?", "category": "payment", "message": "Sent Monday."},
        content_type="application/json",
    )
    assert ticket.status_code == 201, ticket.json()
    assert ticket.json()["number"].startswith("SB-T") and ticket.json()["status"] == "open"
    claim = client.post(
        "/api/v1/me/claims/",
        {
            "click_id": str(click.click_id),
            "order_id": "ACME-77",
            "order_date": order_date,
            "order_amount": "120.00",
        },
        content_type="application/json",
    )
    assert claim.status_code == 201, claim.json()
    assert claim.json()["status"] == "on_ice"
    ticket_id, claim_id = ticket.json()["id"], claim.json()["id"]

    # A trip to the store 40 days before the order is no click for it.
    old = _click(demo, merchant, days_ago=45)
    refused = client.post(
        "/api/v1/me/claims/",
        {
            "click_id": str(old.click_id),
            "order_id": "ACME-78",
            "order_date": order_date,
            "order_amount": "10.00",
        },
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "no_click")
    assert MissingCashbackClaim.objects.filter(order_id="ACME-78").count() == 0

    # A second shopper: not found, both.
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/me/tickets/{ticket_id}/").status_code == 404
    assert client.get(f"/api/v1/me/claims/{claim_id}/").status_code == 404

    # The network reports the sale for the claimed click: the claim closes by itself.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        postback = client.get(
            "/postback/demo/",
            {
                "token": "demo-token",
                "click_id": str(click.click_id),
                "txn_id": "NET-ACME-77",
                "sale_amount": "120.00",
                "commission": "9.60",
            },
        )
        assert postback.status_code == 200, postback.content
        assert claims_advance()["tracked"] == 1
    assert MissingCashbackClaim.objects.get(pk=claim_id).status == "tracked"

    # The demo agent answers the API ticket in the admin; the shopper is told.
    mailoutbox.clear()
    unread_before = NotificationInbox.objects.get(pk=demo.pk).unread
    assert client.login(email="support@savebucks.test", password="support-pass-123")
    api_ticket = Ticket.objects.get(pk=ticket_id)
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            reverse("admin:support_ticket_change", args=[api_ticket.pk]),
            {
                "priority": api_ticket.priority,
                "department": api_ticket.department_id or "",
                "canned": "",
                "reply": "It left on Tuesday.",
                "reply_status": "",
                "_save": "Save",
            },
        )
    assert answered.status_code == 302
    notice = Notification.objects.get(user=demo, url=f"/support/tickets/{api_ticket.number}/")
    assert (notice.category, notice.key[:13]) == ("support", "ticket-reply:")
    assert NotificationInbox.objects.get(pk=demo.pk).unread == unread_before + 1
    assert [(m.to, "It left on Tuesday." in m.body) for m in mailoutbox] == [
        (["demo@savebucks.test"], True)
    ]
