"""The subscribe form in the footer and on the home page (the lists from the process's
cache: no query per page), and the Newsletters block of the notification settings."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from cms.models import Subscription

from .factories_newsletter import NewsletterListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
PREFERENCES = reverse("support:preferences")


def _footer(client) -> str:
    return client.get(reverse("home")).content.decode().split("<footer", 1)[1]


def test_one_public_list_is_a_hidden_field_beside_the_consent_text(client):
    NewsletterListFactory(slug="weekly-deals", name="Weekly deals")
    NewsletterListFactory(slug="partner-news", name="Partner news", is_public=False)

    footer = _footer(client)

    assert 'data-test="newsletter-form-footer"' in footer
    assert '<input type="hidden" name="list" value="weekly-deals">' in footer
    assert "<select" not in footer
    assert "Partner news" not in footer
    assert settings.NEWSLETTER_CONSENT_TEXT in footer


def test_several_public_lists_are_a_select_and_the_home_page_has_its_own_form(client):
    NewsletterListFactory(slug="weekly-deals", name="Weekly deals")
    NewsletterListFactory(slug="student-deals", name="Student deals")

    page = client.get(reverse("home")).content.decode()

    assert page.count('<option value="weekly-deals">Weekly deals</option>') == 2
    assert 'data-test="newsletter-form-home"' in page
    assert '<input type="hidden" name="source" value="home">' in page


def test_no_public_list_no_form(client):
    assert "newsletter-form" not in client.get(reverse("home")).content.decode()


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_forms_cost_the_home_page_no_query(client):
    client.get(reverse("home"))
    without = _home_queries(client)
    NewsletterListFactory(slug="weekly-deals")
    NewsletterListFactory(slug="student-deals")
    client.get(reverse("home"))  # the process loads the lists once

    assert _home_queries(client) == without


def test_the_footer_follows_a_new_list_at_once(client):
    assert "Student deals" not in _footer(client)
    NewsletterListFactory(slug="student-deals", name="Student deals")
    NewsletterListFactory(slug="weekly-deals", name="Weekly deals")

    assert "Student deals" in _footer(client)


# --- notification settings -------------------------------------------------------------


@pytest.fixture
def lists():
    return (
        NewsletterListFactory(slug="weekly-deals", name="Weekly deals"),
        NewsletterListFactory(slug="student-deals", name="Student deals"),
        NewsletterListFactory(slug="partner-news", name="Partner news", is_public=False),
    )


def _save(client, ticked):
    return client.post(
        reverse("cms:newsletter-preferences"),
        {"shown": ["weekly-deals", "student-deals"], "newsletter": ticked},
    )


def test_a_verified_shopper_ticks_a_list_and_is_confirmed_at_once(client, lists, mailoutbox):
    user = UserFactory(email="me@example.com")
    client.force_login(user)

    page = client.get(PREFERENCES).content.decode()
    assert 'value="weekly-deals"' in page and "Partner news" not in page
    response = _save(client, ["weekly-deals"])

    assert response.status_code == 302
    row = Subscription.objects.get()
    assert (row.email, row.status, row.user, row.newsletter.slug) == (
        "me@example.com",
        "confirmed",
        user,
        "weekly-deals",
    )
    assert list(row.consents.order_by("pk").values_list("action", "source")) == [
        ("subscribe", "preferences"),
        ("confirm", "preferences"),
    ]
    assert mailoutbox == []
    assert 'id="newsletter-weekly-deals" checked' in client.get(PREFERENCES).content.decode()


def test_an_unverified_shopper_gets_a_confirmation_email(
    client, lists, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(UnverifiedUserFactory(email="new@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        _save(client, ["student-deals"])

    assert Subscription.objects.get().status == "pending"
    assert [m.to for m in mailoutbox] == [["new@example.com"]]


def test_unticking_unsubscribes(client, lists):
    user = UserFactory(email="me@example.com")
    SubscriptionFactory(newsletter=lists[0], email="me@example.com", user=user)
    client.force_login(user)

    _save(client, [])

    row = Subscription.objects.get()
    assert row.status == "unsubscribed"
    assert list(row.consents.values_list("action", "source")) == [("unsubscribe", "preferences")]


def test_a_private_list_cannot_be_ticked(client, lists):
    client.force_login(UserFactory())

    response = client.post(
        reverse("cms:newsletter-preferences"),
        {"shown": ["partner-news"], "newsletter": ["partner-news"]},
        follow=True,
    )

    assert "There is no such newsletter." in response.content.decode()
    assert Subscription.objects.count() == 0


def test_the_preferences_post_needs_a_login(client, lists):
    response = _save(client, ["weekly-deals"])

    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert Subscription.objects.count() == 0
