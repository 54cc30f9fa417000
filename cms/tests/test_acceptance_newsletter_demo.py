"""Issue 16's newsletter acceptance on the demo data, through the public surfaces: a new
address subscribes from the footer form; the emailed link's GET confirms nothing, its
POST confirms (consent records subscribe + confirm with IP and version); the issue sent
to the list carries a List-Unsubscribe URL whose one-click POST (no session, no CSRF)
unsubscribes."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cms.models import ConsentRecord, NewsletterIssue, NewsletterList, Subscription
from cms.services.newsletter_send import issue_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())  # idempotent


def test_the_demo_lists_the_shopper_and_a_draft_issue(demo):
    assert list(NewsletterList.objects.values_list("slug", "is_public")) == [
        ("weekly-deals", True),
        ("partner-news", False),
    ]
    assert list(Subscription.objects.values_list("email", "newsletter__slug", "status")) == [
        ("demo@savebucks.test", "weekly-deals", "confirmed")
    ]
    assert list(NewsletterIssue.objects.values_list("status", flat=True)) == ["draft"]


def test_footer_subscription_confirmed_by_post_only_and_one_click_unsubscribe(
    demo, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()  # the demo's own notifications
    browser = Client()
    home = browser.get(reverse("home")).content.decode()
    footer = home.split("<footer", 1)[1]
    assert 'name="list" value="weekly-deals"' in footer

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("cms:newsletter-subscribe"),
            {"email": "newcomer@example.com", "list": "weekly-deals", "source": "footer"},
            REMOTE_ADDR="192.0.2.44",
        )
    assert browser.get(response["Location"]).status_code == 200

    (email,) = mailoutbox
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", email.body).group(0)
    path = link.removeprefix(settings.SITE_URL)
    row = Subscription.objects.get(email="newcomer@example.com")

    assert browser.get(path).status_code == 200  # a mail scanner's GET
    row.refresh_from_db()
    assert row.status == "pending"

    assert browser.post(path, REMOTE_ADDR="192.0.2.44").status_code == 200
    row.refresh_from_db()
    assert row.status == "confirmed"
    assert list(row.consents.order_by("pk").values_list("action", "source", "ip")) == [
        ("subscribe", "footer", "192.0.2.44"),
        ("confirm", "email_link", "192.0.2.44"),
    ]
    assert set(row.consents.values_list("consent_text_version", flat=True)) == {
        settings.NEWSLETTER_CONSENT_VERSION
    }

    issue = NewsletterIssue.objects.get()
    NewsletterIssue.objects.filter(pk=issue.pk).update(status="sending")
    mailoutbox.clear()
    issue_send(issue.pk)
    mine = next(m for m in mailoutbox if m.to == ["newcomer@example.com"])
    assert len(mailoutbox) == 2  # the demo shopper and the newcomer
    unsubscribe = mine.extra_headers["List-Unsubscribe"].strip("<>")
    assert mine.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail_client = Client(enforce_csrf_checks=True)
    answer = mail_client.post(
        unsubscribe.removeprefix(settings.SITE_URL), {"List-Unsubscribe": "One-Click"}
    )

    assert answer.status_code == 200
    row.refresh_from_db()
    assert row.status == "unsubscribed"
    assert row.consents.filter(action=ConsentRecord.Action.UNSUBSCRIBE).get().source == "one_click"
