"""Subscribing, from the footer form and the service: the same page whatever the
address's state, mail only where it belongs, consent recorded, refusals as form errors."""

import pytest
from django.urls import reverse

from cms.models import ConsentRecord, Subscription, Suppression
from cms.services.newsletter_subscribe import InvalidEmail, UnknownList, subscribe

from .factories_newsletter import NewsletterListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
SUBSCRIBE = reverse("cms:newsletter-subscribe")
Status = Subscription.Status


@pytest.fixture
def weekly():
    return NewsletterListFactory(slug="weekly-deals", name="Weekly deals")


def _post(client, email, slug="weekly-deals", source="footer", **extra):
    return client.post(
        SUBSCRIBE,
        {"email": email, "list": slug, "source": source},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Firefox/140",
        **extra,
    )


def test_a_new_address_is_pending_with_a_consent_record_and_one_confirmation_email(
    client, weekly, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "  New.Reader@Example.COM ", source="home")

    assert response.status_code == 302
    assert response["Location"] == reverse("cms:newsletter-check-inbox")
    row = Subscription.objects.get()
    assert (row.email, row.status, row.newsletter) == (
        "new.reader@example.com",
        Status.PENDING,
        weekly,
    )
    assert len(row.token_nonce) == 32
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.source, consent.ip, consent.user_agent) == (
        "subscribe",
        "home",
        "203.0.113.9",
        "Firefox/140",
    )
    assert consent.consent_text_version == settings.NEWSLETTER_CONSENT_VERSION
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.reader@example.com"]
    assert mailoutbox[0].subject == "Confirm your subscription to Weekly deals"
    assert "/newsletter/confirm/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("state", "mailed", "consents"),
    [
        (None, 1, 1),
        (Status.PENDING, 1, 0),
        (Status.CONFIRMED, 0, 0),
        (Status.UNSUBSCRIBED, 1, 1),
    ],
)
def test_the_answer_is_the_same_page_whatever_the_state_only_the_mail_differs(
    client, weekly, mailoutbox, django_capture_on_commit_callbacks, state, mailed, consents
):
    if state is not None:
        SubscriptionFactory(newsletter=weekly, email="known@example.com", status=state)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "known@example.com")
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == reverse("cms:newsletter-check-inbox")
    assert "Check your inbox: if this address can join the list" in page.content.decode()
    assert len(mailoutbox) == mailed
    assert ConsentRecord.objects.count() == consents
    expected = Status.CONFIRMED if state == Status.CONFIRMED else Status.PENDING
    assert Subscription.objects.get().status == expected


def test_an_unsubscribed_address_asking_again_gets_a_new_nonce(
    weekly, django_capture_on_commit_callbacks
):
    old = SubscriptionFactory(newsletter=weekly, status=Status.UNSUBSCRIBED, token_nonce="x" * 32)

    subscribe(old.email, "weekly-deals", source="footer")

    old.refresh_from_db()
    assert old.status == Status.PENDING
    assert old.token_nonce != "x" * 32


def test_a_pending_address_is_mailed_again_at_most_three_times_a_day(
    weekly, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            subscribe("again@example.com", "weekly-deals", source="api")

    assert len(mailoutbox) == 3  # RATE_LIMITS["newsletter_confirm_email"]
    assert Subscription.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


def test_a_suppressed_address_gets_no_email_but_the_same_answer(
    client, weekly, mailoutbox, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email="Bounced@Example.com", reason="bounced")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "bounced@example.com")

    assert response.status_code == 302
    assert mailoutbox == []
    assert Subscription.objects.get().status == Status.PENDING


@pytest.mark.parametrize("slug", ["nope", "partner-news", "closed"])
def test_unknown_private_or_inactive_lists_are_refused_as_a_form_error(client, weekly, slug):
    NewsletterListFactory(slug="partner-news", is_public=False)
    NewsletterListFactory(slug="closed", is_active=False)

    response = _post(client, "someone@example.com", slug=slug)

    assert response.status_code == 400
    assert "There is no such newsletter." in response.content.decode()
    assert Subscription.objects.count() == 0
    with pytest.raises(UnknownList):
        subscribe("someone@example.com", slug, source="api")


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 250 + "@example.com"])
def test_bad_addresses_are_refused_as_a_form_error(client, weekly, email):
    response = _post(client, email)

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Subscription.objects.count() == 0
    with pytest.raises(InvalidEmail):
        subscribe(email, "weekly-deals", source="api")


def test_the_form_is_limited_per_ip_with_a_message_not_a_bare_429(
    client, weekly, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_post(client, f"r{n}@example.com").status_code for n in range(11)]

    assert answers == [302] * 10 + [429]
    last = _post(client, "r99@example.com")
    assert "Too many subscription attempts" in last.content.decode()
    assert Subscription.objects.count() == 10
    assert len(mailoutbox) == 10


def test_a_forged_source_is_recorded_as_the_footer(client, weekly):
    _post(client, "src@example.com", source="staff")

    assert ConsentRecord.objects.get().source == "footer"
