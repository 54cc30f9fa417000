"""The send job: one delivery row per confirmed, non-suppressed subscriber; a job killed
mid-way and rerun mails each recipient once; rows found unsubscribed or suppressed at
their turn are skipped; every email carries the RFC 8058 headers and the link in its
body, and no tracking."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.models import NewsletterDelivery, NewsletterIssue, Subscription, Suppression
from cms.services.newsletter_render import issue_render
from cms.services.newsletter_send import (
    deliveries_requeue_stuck,
    deliveries_write,
    issue_send,
    issue_send_batch,
)
from offers.models import OfferDailyStats
from offers.tests.factories import OfferFactory

from .factories_newsletter import (
    IssueFactory,
    NewsletterListFactory,
    SubscriptionFactory,
    sending_issue,
)

pytestmark = pytest.mark.django_db
Status = NewsletterDelivery.Status


class Killed(BaseException):
    """The worker's process dying (SIGKILL, OOM): nothing below catches it."""


class DyingBackend(EmailBackend):
    """Delivers like locmem, then dies right after the `die_after`-th message has left:
    the worst moment, its row is still `sending`."""

    die_after = 0
    sent = 0

    def send_messages(self, messages):
        count = 0
        for message in messages:
            count += super().send_messages([message])
            DyingBackend.sent += 1
            if DyingBackend.sent == DyingBackend.die_after:
                raise Killed
        return count


class DyingBetweenBackend(EmailBackend):
    """Dies when asked to connect for the next email once `die_after` have left: the
    worker killed between two emails (or while building the next), before any claim."""

    die_after = None
    sent = 0

    def open(self):
        if DyingBetweenBackend.sent == DyingBetweenBackend.die_after:
            raise Killed
        return super().open()

    def send_messages(self, messages):
        count = super().send_messages(messages)
        DyingBetweenBackend.sent += count
        return count


class UnreachableBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def weekly():
    return NewsletterListFactory(slug="weekly-deals", name="Weekly deals")


def _readers(newsletter, count):
    return [
        SubscriptionFactory(newsletter=newsletter, email=f"r{n}@example.com") for n in range(count)
    ]


def test_a_send_killed_inside_the_smtp_conversation_mails_each_recipient_at_most_once(
    weekly, settings, mailoutbox
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
    readers = _readers(weekly, 8)
    issue = sending_issue(weekly)
    DyingBackend.sent, DyingBackend.die_after = 0, 5

    with pytest.raises(Killed):
        issue_send(issue.pk)

    assert len(mail.outbox) == 5
    assert list(issue.deliveries.order_by("pk").values_list("status", flat=True)) == [
        Status.SENT,
        Status.SENT,
        Status.SENT,
        Status.SENT,
        Status.SENDING,  # its email left, then the worker died
        Status.QUEUED,
        Status.QUEUED,
        Status.QUEUED,
    ]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING

    DyingBackend.die_after = 0  # the rerun lives
    recipients = issue_send(issue.pk)

    to = [message.to[0] for message in mail.outbox]
    assert sorted(to) == sorted(r.email for r in readers)  # each exactly once
    assert len(to) == 8
    issue.refresh_from_db()
    assert (issue.status, issue.recipients, recipients) == (NewsletterIssue.Status.SENT, 7, 7)
    assert issue.deliveries.filter(status=Status.SENT).count() == 7
    assert issue.deliveries.filter(status=Status.SENDING).count() == 1  # at most once

    # A third run finds nothing to send.
    issue_send(issue.pk)
    assert len(mail.outbox) == 8


def test_a_send_killed_between_two_emails_and_rerun_mails_every_recipient_exactly_once(
    weekly, settings, mailoutbox
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.EMAIL_BACKEND = f"{__name__}.DyingBetweenBackend"
    readers = _readers(weekly, 8)
    issue = sending_issue(weekly)
    DyingBetweenBackend.sent, DyingBetweenBackend.die_after = 0, 4

    with pytest.raises(Killed):
        issue_send(issue.pk)

    assert [m.to[0] for m in mail.outbox] == [r.email for r in readers[:4]]
    assert (
        list(issue.deliveries.order_by("pk").values_list("status", flat=True))
        == [Status.SENT] * 4 + [Status.QUEUED] * 4
    )  # nobody claimed and left unmailed

    DyingBetweenBackend.die_after = None  # the rerun lives
    recipients = issue_send(issue.pk)

    assert [m.to[0] for m in mail.outbox] == [r.email for r in readers]  # each exactly once
    issue.refresh_from_db()
    assert (issue.status, issue.recipients, recipients) == (NewsletterIssue.Status.SENT, 8, 8)
    assert list(issue.deliveries.values_list("status", "attempts").distinct()) == [(Status.SENT, 1)]


def test_a_mail_server_that_cannot_be_reached_leaves_the_rows_queued_for_the_rerun(
    weekly, settings, mailoutbox
):
    readers = _readers(weekly, 3)
    issue = sending_issue(weekly)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"

    with pytest.raises(ConnectionRefusedError):
        issue_send(issue.pk)

    assert mail.outbox == []
    assert set(issue.deliveries.values_list("status", "attempts")) == {(Status.QUEUED, 0)}
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert issue_send(issue.pk) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)


def test_a_list_deactivated_mid_send_skips_the_rows_not_yet_sent(weekly, settings, mailoutbox):
    settings.NEWSLETTER_BATCH_SIZE = 2
    readers = _readers(weekly, 4)
    issue = sending_issue(weekly)
    left = issue_send_batch(issue.pk, write=True)
    assert left == 2
    type(weekly).objects.filter(pk=weekly.pk).update(is_active=False)

    assert issue_send_batch(issue.pk) == 0

    assert [m.to[0] for m in mail.outbox] == [r.email for r in readers[:2]]
    assert list(issue.deliveries.order_by("pk").values_list("status", flat=True)) == [
        Status.SENT,
        Status.SENT,
        Status.SKIPPED,
        Status.SKIPPED,
    ]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 2)


def test_only_confirmed_non_suppressed_subscribers_get_rows_and_late_changes_are_skipped(
    weekly, mailoutbox, settings
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    ok, later_gone, later_bounced = _readers(weekly, 3)
    SubscriptionFactory(newsletter=weekly, email="pending@example.com", status="pending")
    SubscriptionFactory(newsletter=weekly, email="gone@example.com", status="unsubscribed")
    SubscriptionFactory(newsletter=weekly, email="bounced@example.com")
    SubscriptionFactory(email="other-list@example.com")
    Suppression.objects.create(email="BOUNCED@example.com", reason="bounced")
    issue = sending_issue(weekly)

    deliveries_write(issue)
    assert sorted(issue.deliveries.values_list("email", flat=True)) == sorted(
        [ok.email, later_gone.email, later_bounced.email]
    )
    Subscription.objects.filter(pk=later_gone.pk).update(status="unsubscribed")
    Suppression.objects.create(email=later_bounced.email, reason="complained")

    assert issue_send(issue.pk) == 1

    assert [m.to for m in mailoutbox] == [[ok.email]]
    assert dict(issue.deliveries.values_list("email", "status")) == {
        ok.email: Status.SENT,
        later_gone.email: Status.SKIPPED,
        later_bounced.email: Status.SKIPPED,
    }


def test_each_email_has_text_html_the_one_click_headers_and_no_tracking(weekly, mailoutbox):
    reader = SubscriptionFactory(newsletter=weekly, email="h@example.com")
    issue = sending_issue(weekly, subject="Deals of the week")

    issue_send(issue.pk)

    message = mailoutbox[0]
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">")
    assert "/newsletter/unsubscribe/" in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.subject == "Deals of the week"
    assert f"Unsubscribe: {link[1:-1]}" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "<strong>readers</strong>" in html
    assert link[1:-1] in html
    assert "<img" not in html
    assert reader.email == message.to[0]


def test_the_top_offers_of_the_week_are_appended_with_absolute_offer_links(weekly, settings):
    settings.NEWSLETTER_TOP_OFFERS = 2
    offers = [OfferFactory(title=f"Deal {n}") for n in range(3)]
    today = timezone.localdate()
    for sales, offer in zip([5, 9, 1], offers, strict=True):
        OfferDailyStats.objects.create(offer=offer, day=today, clicks=10, sales=sales)
    OfferDailyStats.objects.create(
        offer=OfferFactory(title="Old deal"), day=today - timedelta(days=9), clicks=99, sales=99
    )
    issue = IssueFactory(newsletter=weekly, include_top_offers=True)

    text, html = issue_render(issue)

    assert "Top offers this week" in text
    assert f"{settings.SITE_URL}{offers[1].get_absolute_url()}" in text
    assert text.index("Deal 1") < text.index("Deal 0")
    assert "Deal 2" not in text and "Old deal" not in text
    assert f'href="{settings.SITE_URL}{offers[1].get_absolute_url()}"' in html
    assert offers[1].merchant.name in html
    assert offers[1].cashback_label in text
    assert "/out/" not in text + html


def test_the_top_offers_are_live_ones_an_expired_best_seller_gives_its_place(weekly, settings):
    settings.NEWSLETTER_TOP_OFFERS = 2
    today = timezone.localdate()
    ended = OfferFactory(title="Ended deal", ends_at=timezone.now() - timedelta(hours=1))
    disabled = OfferFactory(title="Disabled deal", status="inactive")
    live = [OfferFactory(title=f"Live {n}") for n in range(3)]
    for sales, offer in zip([90, 80, 5, 4, 3], [ended, disabled, *live], strict=True):
        OfferDailyStats.objects.create(offer=offer, day=today, clicks=10, sales=sales)

    text, _html = issue_render(IssueFactory(newsletter=weekly, include_top_offers=True))

    assert "Ended deal" not in text and "Disabled deal" not in text
    assert text.index("Live 0") < text.index("Live 1")
    assert "Live 2" not in text


def test_the_issue_html_loads_nothing_when_opened_and_is_sanitised(weekly):
    issue = IssueFactory(
        newsletter=weekly,
        body='Hi ![pixel](https://tracker.example/p.gif) <img src="https://t.example/o.gif">'
        " <script>alert(1)</script>[deals](https://savebucks.example/)",
    )

    _text, html = issue_render(issue)

    assert html == (
        '<p>Hi   <a href="https://savebucks.example/" rel="noopener noreferrer">deals</a></p>'
    )


def test_links_to_our_own_pages_are_absolute_in_the_email(weekly, settings):
    settings.SITE_URL = "https://savebucks.example"
    issue = IssueFactory(
        newsletter=weekly,
        body="[stores](/stores/) [evil](//evil.example/) [ext](https://shop.example/a)",
        include_top_offers=False,
    )

    _text, html = issue_render(issue)

    assert html == (
        '<p><a href="https://savebucks.example/stores/" rel="noopener noreferrer">stores</a> '
        '<a href="//evil.example/" rel="noopener noreferrer">evil</a> '
        '<a href="https://shop.example/a" rel="noopener noreferrer">ext</a></p>'
    )


def test_the_command_refuses_an_unknown_id_and_a_draft_and_sends_a_started_issue(
    weekly, mailoutbox
):
    _readers(weekly, 2)
    draft = IssueFactory(newsletter=weekly)

    with pytest.raises(CommandError, match="No newsletter issue 999999"):
        call_command("send_newsletter", "999999")
    with pytest.raises(CommandError, match="is a draft"):
        call_command("send_newsletter", str(draft.pk))
    assert mailoutbox == []

    issue = sending_issue(weekly)
    out = io.StringIO()
    call_command("send_newsletter", str(issue.pk), stdout=out)

    assert out.getvalue() == f"Issue {issue.pk} sent: 2 recipient(s).\n"
    assert len(mailoutbox) == 2


def test_stuck_rows_are_requeued_only_after_fifteen_minutes(
    weekly, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = _readers(weekly, 2)
    issue = sending_issue(weekly)
    issue_send(issue.pk)
    mailoutbox.clear()
    NewsletterDelivery.objects.filter(email=a.email).update(
        status=Status.SENDING, sent_at=timezone.now() - timedelta(minutes=16)
    )
    NewsletterDelivery.objects.filter(email=b.email).update(
        status=Status.SENDING, sent_at=timezone.now() - timedelta(minutes=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        moved = deliveries_requeue_stuck(issue=issue)

    assert moved == 1
    assert [m.to for m in mailoutbox] == [[a.email]]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 1)
