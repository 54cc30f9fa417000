"""POST /api/v1/newsletter/subscribe/: byte-equal 202s whatever the address's state,
mail only for the ones that need it, refusals with their codes, no CSRF for anonymous
JSON (a session still needs it), throttled."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from cms.models import Subscription, Suppression

from .factories_newsletter import NewsletterListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
URL = reverse("api-newsletter-subscribe")
Status = Subscription.Status


@pytest.fixture
def weekly():
    return NewsletterListFactory(slug="weekly-deals", name="Weekly deals")


def _post(api, body, **extra):
    return api.post(URL, body, format="json", **extra)


def test_new_pending_confirmed_and_unsubscribed_get_byte_equal_answers(
    weekly, mailoutbox, django_capture_on_commit_callbacks
):
    for state in (Status.PENDING, Status.CONFIRMED, Status.UNSUBSCRIBED):
        SubscriptionFactory(newsletter=weekly, email=f"{state}@example.com", status=state)
    api = APIClient(enforce_csrf_checks=True)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            _post(
                api,
                {"email": f"{who}@example.com", "list": "weekly-deals"},
                REMOTE_ADDR=f"10.0.0.{n}",
            )
            for n, who in enumerate(["new", "pending", "confirmed", "unsubscribed"])
        ]

    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json() == {
        "detail": "If this address can join the list, we have sent it an email with a link "
        "to confirm. Nothing is sent until the link is confirmed."
    }
    assert sorted(m.to[0] for m in mailoutbox) == [
        "new@example.com",
        "pending@example.com",
        "unsubscribed@example.com",
    ]
    assert dict(Subscription.objects.values_list("email", "status")) == {
        "new@example.com": Status.PENDING,
        "pending@example.com": Status.PENDING,
        "confirmed@example.com": Status.CONFIRMED,
        "unsubscribed@example.com": Status.PENDING,
    }


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"email": "nope", "list": "weekly-deals"}, "invalid_email", "email"),
        ({"email": "a@example.com", "list": "partner-news"}, "unknown_list", "list"),
        ({"email": "a@example.com", "list": "missing"}, "unknown_list", "list"),
    ],
)
def test_refusals_are_400_with_their_code(weekly, body, code, field):
    NewsletterListFactory(slug="partner-news", is_public=False)

    response = _post(APIClient(), body)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Subscription.objects.count() == 0


def test_a_signed_in_caller_still_needs_csrf(weekly):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(UserFactory())

    response = _post(api, {"email": "me@example.com", "list": "weekly-deals"})

    assert response.status_code == 403
    assert Subscription.objects.count() == 0


def test_the_newsletter_scope_throttles_after_ten_an_hour(weekly):
    api = APIClient()

    answers = [
        _post(api, {"email": f"t{n}@example.com", "list": "weekly-deals"}).status_code
        for n in range(11)
    ]

    assert answers == [202] * 10 + [429]
    assert Subscription.objects.count() == 10


def test_the_per_ip_limit_is_shared_with_the_form(weekly, client):
    for n in range(10):
        client.post(
            reverse("cms:newsletter-subscribe"),
            {"email": f"f{n}@example.com", "list": "weekly-deals"},
        )

    response = _post(APIClient(), {"email": "api@example.com", "list": "weekly-deals"})

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert Subscription.objects.count() == 10


def test_suppressed_and_mail_limited_addresses_get_the_same_bytes_too(
    weekly, mailoutbox, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email="bounced@example.com", reason="bounced")
    api = APIClient(enforce_csrf_checks=True)
    body = {"list": "weekly-deals"}

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            _post(api, {**body, "email": email}, REMOTE_ADDR=f"10.0.1.{n}")
            for n, email in enumerate(["new@example.com", "bounced@example.com"] + ["p@x.org"] * 4)
        ]

    assert [a.status_code for a in answers] == [202] * 6
    assert len({a.content for a in answers}) == 1
    # The fourth request for p@x.org is past the address's three mails a day: silent.
    assert sorted(m.to[0] for m in mailoutbox) == ["new@example.com"] + ["p@x.org"] * 3
