"""A closed account is mailed no more; a purged one leaves no address in the newsletter."""

import pytest

from accounts.services.users import user_purge, user_soft_delete
from accounts.tests.factories import UserFactory
from cms.models import ConsentRecord, NewsletterDelivery, Subscription
from cms.services.newsletter_send import issue_send

from .factories_newsletter import (
    IssueFactory,
    NewsletterListFactory,
    SubscriptionFactory,
    sending_issue,
)

pytestmark = pytest.mark.django_db


def test_closing_an_account_unsubscribes_its_rows_and_its_address(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="closer@example.com")
    weekly, partner = NewsletterListFactory(), NewsletterListFactory()
    linked = SubscriptionFactory(newsletter=weekly, user=user, email="closer@example.com")
    by_address = SubscriptionFactory(newsletter=partner, email="closer@example.com")
    stranger = SubscriptionFactory(newsletter=weekly, email="someone@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        assert user_soft_delete(user=user, actor=user) is True

    statuses = dict(Subscription.objects.values_list("pk", "status"))
    assert statuses == {
        linked.pk: Subscription.Status.UNSUBSCRIBED,
        by_address.pk: Subscription.Status.UNSUBSCRIBED,
        stranger.pk: Subscription.Status.CONFIRMED,
    }
    assert list(
        ConsentRecord.objects.filter(action=ConsentRecord.Action.UNSUBSCRIBE)
        .order_by("subscription_id")
        .values_list("subscription_id", "source")
    ) == [
        (linked.pk, ConsentRecord.Source.ACCOUNT_CLOSED),
        (by_address.pk, ConsentRecord.Source.ACCOUNT_CLOSED),
    ]


def test_a_send_after_the_close_skips_the_closed_account(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="closer@example.com")
    weekly = NewsletterListFactory()
    SubscriptionFactory(newsletter=weekly, user=user, email="closer@example.com")
    SubscriptionFactory(newsletter=weekly, email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        user_soft_delete(user=user, actor=user)
    mailoutbox.clear()  # the "account closed" email

    issue_send(sending_issue(weekly).pk)

    assert [message.to for message in mailoutbox] == [["reader@example.com"]]


def test_purging_erases_the_subscriptions_their_consents_and_deliveries(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="gone@example.com")
    weekly = NewsletterListFactory()
    linked = SubscriptionFactory(newsletter=weekly, user=user, email="gone@example.com")
    kept = SubscriptionFactory(newsletter=weekly, email="reader@example.com")
    issue = IssueFactory(newsletter=weekly)
    NewsletterDelivery.objects.create(issue=issue, subscription=linked, email=linked.email)
    with django_capture_on_commit_callbacks(execute=True):
        user_soft_delete(user=user, actor=user)

    user_purge(user=user)

    assert list(Subscription.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ConsentRecord.objects.filter(subscription_id=linked.pk).exists()
    assert not NewsletterDelivery.objects.filter(email="gone@example.com").exists()
