"""Review of the notifications part: defects found, each pinned by a test."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from support.models import Category, Notification, NotificationDelivery, NotificationInbox
from support.services import notify

pytestmark = pytest.mark.django_db


def test_plain_text_emails_carry_the_words_as_written_not_html_escaped():
    user = UserFactory(first_name="Seán O'Brien", email="sean@example.com")

    row = notify(
        user=user,
        category=Category.SUPPORT,
        title='Tom & Jerry\'s "deal" <today>',
        body="5 < 6 & it's true",
        key="k:escape",
    )

    delivery = NotificationDelivery.objects.get(notification=row)
    assert delivery.subject == 'Tom & Jerry\'s "deal" <today>'
    assert "Hi Seán O'Brien," in delivery.text
    assert 'Tom & Jerry\'s "deal" <today>' in delivery.text
    assert "5 < 6 & it's true" in delivery.text
    assert "&amp;" not in delivery.text and "&lt;" not in delivery.text
    assert "&#x27;" not in delivery.text


def test_a_callers_template_is_plain_text_too():
    user = UserFactory(first_name="Ann & Bo", email="ab@example.com")

    row = notify(
        user=user,
        category=Category.SECURITY,
        title="Your payout details changed",
        key="k:payout",
        email_template="payout_details_changed",
        context={"where": "PayPal <main>"},
    )

    text = NotificationDelivery.objects.get(notification=row).text
    assert "Hi Ann & Bo," in text
    assert "your PayPal <main> were just changed" in text
