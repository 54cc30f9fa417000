"""Real threads on PostgreSQL: two send runs at once mail each recipient once; a double
subscribe makes one row; two Send clicks start one job."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from cms.models import ConsentRecord, NewsletterDelivery, NewsletterIssue, Subscription
from cms.services.newsletter_send import IssueNotDraft, issue_send, issue_send_start
from cms.services.newsletter_subscribe import subscribe
from cms.tasks import send_newsletter_batch
from config.testing import race

from .factories_newsletter import (
    IssueFactory,
    NewsletterListFactory,
    SubscriptionFactory,
    sending_issue,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_send_runs_at_once_mail_each_recipient_once(settings):
    settings.NEWSLETTER_BATCH_SIZE = 5
    weekly = NewsletterListFactory(slug="weekly-deals")
    readers = [SubscriptionFactory(newsletter=weekly, email=f"r{n}@example.com") for n in range(40)]
    issue = sending_issue(weekly)
    mail.outbox = []

    results = race(2, lambda i: issue_send(issue.pk))

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert NewsletterDelivery.objects.filter(issue=issue, status="sent").count() == 40
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 40)


def test_a_batch_task_redelivered_while_the_first_still_runs_mails_each_recipient_once(settings):
    # acks_late + the broker's visibility timeout: a slow batch can be handed to a second
    # worker while the first still sends it.
    settings.NEWSLETTER_BATCH_SIZE = 50
    weekly = NewsletterListFactory(slug="weekly-deals")
    readers = [SubscriptionFactory(newsletter=weekly, email=f"r{n}@example.com") for n in range(30)]
    issue = sending_issue(weekly)
    mail.outbox = []

    results = race(2, lambda i: send_newsletter_batch(issue.pk, write=True))

    assert results == [{"left": 0}, {"left": 0}]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert list(
        NewsletterDelivery.objects.filter(issue=issue).values_list("status", "attempts").distinct()
    ) == [("sent", 1)]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 30)


def test_a_double_subscribe_makes_one_row_and_one_consent_record():
    NewsletterListFactory(slug="weekly-deals")

    results = race(
        2,
        lambda i: subscribe(
            ["Twice@Example.com", " twice@example.com"][i], "weekly-deals", source="footer"
        ),
    )

    assert all(isinstance(r, Subscription) for r in results), results
    assert Subscription.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


def test_two_send_clicks_start_one_job(settings):
    weekly = NewsletterListFactory(slug="weekly-deals")
    SubscriptionFactory(newsletter=weekly)
    editor = StaffFactory(is_superuser=True)
    issue = IssueFactory(newsletter=weekly)
    NewsletterIssue.objects.filter(pk=issue.pk).update(test_sent_at=timezone.now())
    mail.outbox = []

    results = race(2, lambda i: issue_send_start(issue=issue, actor=editor))

    assert sorted(type(r).__name__ for r in results) == ["IssueNotDraft", "bool"], results
    assert next(r for r in results if isinstance(r, IssueNotDraft)).http_status == 409
    assert len(mail.outbox) == 1
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 1)
