"""The confirmation link: a GET reads (mail scanners), the POST from our page (CSRF on)
confirms, twice is harmless, a bad link is a 400 offering to subscribe again. The
unsubscribe link: GET reads, POST unsubscribes, the mail client's one-click POST works
with no session and no CSRF token."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from cms.models import ConsentRecord, Subscription
from cms.services.newsletter_subscribe import subscribe
from cms.services.newsletter_tokens import (
    CONFIRM_SALT,
    confirm_token,
    unsubscribe_token,
)

from .factories_newsletter import NewsletterListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
Status = Subscription.Status


@pytest.fixture
def pending():
    return SubscriptionFactory(
        newsletter=NewsletterListFactory(slug="weekly-deals", name="Weekly deals"),
        status=Status.PENDING,
        confirmed_at=None,
    )


def _confirm_url(subscription):
    return reverse("cms:newsletter-confirm", args=[confirm_token(subscription)])


def test_a_get_of_the_link_shows_the_list_and_a_button_and_changes_nothing(client, pending):
    response = client.get(_confirm_url(pending))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Weekly deals" in body
    assert "Confirm my subscription" in body
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert ConsentRecord.objects.count() == 0


def test_the_post_confirms_once_with_a_consent_record_and_twice_is_the_same_success(
    client, pending, settings
):
    url = _confirm_url(pending)

    first = client.post(url, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Safari/18")
    second = client.post(url, REMOTE_ADDR="198.51.100.7")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "You are subscribed to Weekly deals" in first.content.decode()
    assert "You are subscribed to Weekly deals" in second.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.source, consent.ip, consent.user_agent) == (
        "confirm",
        "email_link",
        "198.51.100.7",
        "Safari/18",
    )
    assert consent.consent_text_version == settings.NEWSLETTER_CONSENT_VERSION


def test_the_confirm_post_needs_the_csrf_token_of_our_page(pending):
    strict = Client(enforce_csrf_checks=True)
    url = _confirm_url(pending)

    refused = strict.post(url)
    page = strict.get(url)
    accepted = strict.post(url, {"csrfmiddlewaretoken": page.context["csrf_token"]})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED


def _assert_refused(response, text):
    assert response.status_code == 400
    body = response.content.decode()
    assert text in body
    assert reverse("cms:newsletter-subscribe") in body


def test_an_expired_link_is_a_400_offering_to_subscribe_again(client, pending, settings):
    url = _confirm_url(pending)
    settings.NEWSLETTER_CONFIRM_MAX_AGE_DAYS = 0

    _assert_refused(client.get(url), "This confirmation link has expired.")
    _assert_refused(client.post(url), "This confirmation link has expired.")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_link_older_than_seven_days_has_expired_and_six_days_is_fine(
    client, pending, monkeypatch
):
    now = time.time()
    with monkeypatch.context() as clock:  # signed as if mailed eight, then six days ago
        clock.setattr(time, "time", lambda: now - timedelta(days=8, minutes=1).total_seconds())
        stale = _confirm_url(pending)
        clock.setattr(time, "time", lambda: now - timedelta(days=6).total_seconds())
        fresh = _confirm_url(pending)

    _assert_refused(client.post(stale), "has expired")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert client.post(fresh).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps({"s": 1, "n": "x"}, salt="support.unsubscribe"),
    ],
    ids=["garbage", "foreign-salt"],
)
def test_a_tampered_or_foreign_token_is_a_400(client, pending, token):
    _assert_refused(
        client.post(reverse("cms:newsletter-confirm", args=[token])),
        "This confirmation link is not valid.",
    )
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_link_from_before_an_unsubscribe_cannot_confirm_again(
    client, pending, django_capture_on_commit_callbacks
):
    old_link = _confirm_url(pending)
    client.post(reverse("cms:newsletter-unsubscribe", args=[unsubscribe_token(pending)]))
    subscribe(pending.email, "weekly-deals", source="footer")  # asks again: a new nonce

    _assert_refused(client.post(old_link), "no longer valid")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# --- unsubscribe -----------------------------------------------------------------------


def test_a_get_of_the_unsubscribe_link_changes_nothing_and_the_post_unsubscribes_once(client):
    row = SubscriptionFactory()
    url = reverse("cms:newsletter-unsubscribe", args=[unsubscribe_token(row)])

    page = client.get(url)
    row.refresh_from_db()
    assert (page.status_code, row.status) == (200, Status.CONFIRMED)

    answers = [client.post(url).status_code, client.post(url).status_code]

    assert answers == [200, 200]
    row.refresh_from_db()
    assert row.status == Status.UNSUBSCRIBED
    assert list(ConsentRecord.objects.values_list("action", "source")) == [
        ("unsubscribe", "email_link")
    ]


def test_the_one_click_post_works_without_session_or_csrf_token():
    row = SubscriptionFactory()
    url = reverse("cms:newsletter-unsubscribe", args=[unsubscribe_token(row)])

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == Status.UNSUBSCRIBED
    assert ConsentRecord.objects.get().source == "one_click"


@pytest.mark.parametrize(
    "token", ["nope", signing.dumps({"s": 1}, salt=CONFIRM_SALT)], ids=["garbage", "confirm-salt"]
)
def test_a_bad_unsubscribe_token_is_a_400_and_changes_nothing(client, token):
    row = SubscriptionFactory()

    response = client.post(reverse("cms:newsletter-unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    row.refresh_from_db()
    assert row.status == Status.CONFIRMED


def test_a_link_to_a_list_deactivated_since_cannot_confirm(client, pending):
    url = _confirm_url(pending)
    type(pending.newsletter).objects.filter(pk=pending.newsletter_id).update(is_active=False)

    shown = client.get(url)
    posted = client.post(url)

    assert (shown.status_code, posted.status_code) == (400, 400)
    assert "This confirmation link is no longer valid." in posted.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.confirmed_at) == (Status.PENDING, None)
    assert ConsentRecord.objects.count() == 0


def test_the_consent_record_takes_the_ip_our_proxy_saw_not_a_forged_one(client, pending, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    client.post(
        _confirm_url(pending),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )

    assert ConsentRecord.objects.get().ip == "203.0.113.9"


def test_the_one_click_post_answers_200_with_no_redirect_and_no_cookie(client):
    row = SubscriptionFactory()
    url = reverse("cms:newsletter-unsubscribe", args=[unsubscribe_token(row)])

    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert "Location" not in response.headers
    row.refresh_from_db()
    assert row.status == Status.UNSUBSCRIBED
    assert ConsentRecord.objects.get().source == "one_click"
