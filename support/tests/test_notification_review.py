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


def test_staff_cannot_add_edit_or_delete_notices_behind_the_unread_counter(client):
    # A Support agent holds every support permission. Notices edited by hand drift from
    # the counter: an unread one deleted leaves a bell nobody can clear; a read one made
    # unread again drives the counter below zero at the next "mark all read" (a 500).
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(staff)
    shopper = UserFactory()
    unread = notify(user=shopper, category=Category.SUPPORT, title="Unread", key="k:unread")
    read = notify(user=shopper, category=Category.SUPPORT, title="Read", key="k:read")
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00Z")
    NotificationInbox.objects.filter(pk=shopper.pk).update(unread=1)
    change = reverse("admin:support_notification_change", args=[read.pk])
    delete = reverse("admin:support_notification_delete", args=[unread.pk])
    bulk = reverse("admin:support_notification_changelist")

    assert client.get(reverse("admin:support_notification_add")).status_code == 403
    edited = client.post(
        change,
        {
            "user": shopper.pk,
            "category": "support",
            "key": "k:read",
            "title": "Read",
            "in_app": "on",
            "read_at_0": "",
            "read_at_1": "",
        },
    )
    deleted = client.post(delete, {"post": "yes"})
    client.post(bulk, {"action": "delete_selected", "_selected_action": [unread.pk], "post": "yes"})

    assert edited.status_code == 403
    assert deleted.status_code == 403
    assert Notification.objects.filter(user=shopper).count() == 2
    assert Notification.objects.get(pk=read.pk).read_at is not None
    assert NotificationInbox.objects.get(pk=shopper.pk).unread == 1
    assert client.get(change).status_code == 200  # still shown, read-only


def test_an_email_still_queued_when_the_user_unsubscribes_is_not_sent(client, mailoutbox):
    # RFC 8058's promise: after the one-click POST, no more of these emails. A promotion
    # queued before it (a broadcast feeding the queue, a retry waiting its backoff) must
    # not leave afterwards.
    from support.services.preferences import preferences_update
    from support.services.unsubscribe import unsubscribe_url

    from .test_notification_delivery import _deliver_queued

    user = UserFactory(email="promo@example.com")
    preferences_update(user, {"promotions": {"email": True}})
    row = notify(user=user, category=Category.PROMOTIONS, title="Sale", key="k:promo")
    delivery = NotificationDelivery.objects.get(notification=row)

    done = client.post(
        unsubscribe_url(user, Category.PROMOTIONS),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    _deliver_queued()

    assert done.status_code == 200
    assert mailoutbox == []
    delivery.refresh_from_db()
    assert delivery.status == NotificationDelivery.Status.SKIPPED
    assert delivery.attempts == 1
    assert delivery.last_error == "The user switched this channel off before it was sent."


def test_a_locked_category_is_sent_whatever_was_stored():
    from django.core import mail

    from support.models import NotificationPreference

    from .test_notification_delivery import _deliver_queued

    user = UserFactory(email="sec@example.com")
    row = notify(user=user, category=Category.SECURITY, title="New login", key="k:sec")
    # A row left from before the lock (preferences_update never writes one).
    NotificationPreference.objects.create(
        user=user, category=Category.SECURITY, channel="email", enabled=False
    )
    mail.outbox = []

    _deliver_queued()

    assert [m.subject for m in mail.outbox] == ["New login"]
    assert NotificationDelivery.objects.get(notification=row).status == "sent"


@pytest.mark.parametrize(
    "url",
    ["/\\evil.example/login", "//evil.example/login", "https://evil.example/", "javascript:x"],
)
def test_a_notice_never_links_off_the_site(client, url):
    # Browsers read "/\evil.example" as "//evil.example": another site, from our page.
    user = UserFactory()
    row = notify(user=user, category=Category.SUPPORT, title="Look", url=url, key="k:url")
    client.force_login(user)

    page = client.get(reverse("support:notifications")).content.decode()

    assert Notification.objects.get(pk=row.pk).url == ""
    assert "evil.example" not in page
    assert 'href=""' not in page


def test_a_local_path_stays_a_link(client):
    user = UserFactory()
    notify(user=user, category=Category.SUPPORT, title="Look", url="/wallet/?a=1&b=2", key="k:u")
    client.force_login(user)

    page = client.get(reverse("support:notifications")).content.decode()

    assert Notification.objects.get(user=user).url == "/wallet/?a=1&b=2"
    assert '<a href="/wallet/?a=1&amp;b=2">Look</a>' in page
