"""The newsletter admin as staff use it: a Content editor sends a test to themselves,
then sends (confirmation page first) only after a test since the last edit; a role
without the send permission is refused; staff cannot confirm a subscription; a bounced
address is added as a suppression."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from cms.models import NewsletterDelivery, NewsletterIssue, Subscription, Suppression

from .factories_newsletter import IssueFactory, NewsletterListFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
ISSUES = reverse("admin:cms_newsletterissue_changelist")


def staff_in(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


@pytest.fixture
def issue():
    weekly = NewsletterListFactory(slug="weekly-deals")
    for n in range(3):
        SubscriptionFactory(newsletter=weekly, email=f"r{n}@example.com")
    SubscriptionFactory(newsletter=weekly, email="p@example.com", status="pending")
    return IssueFactory(newsletter=weekly, subject="Deals")


def _act(client, action, issue, **extra):
    return client.post(
        ISSUES, {"action": action, "_selected_action": [issue.pk], **extra}, follow=True
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_an_editor_sends_a_test_to_themselves_only(client, issue, mailoutbox):
    editor = staff_in(client, "Content editor")

    response = _act(client, "send_test", issue)

    assert _messages(response) == ["1 test(s) sent to you."]
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert mailoutbox[0].subject == "[Test] Deals"
    issue.refresh_from_db()
    assert issue.test_sent_at is not None
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert NewsletterDelivery.objects.count() == 0


def test_send_without_a_test_is_refused_and_changes_nothing(client, issue, mailoutbox):
    staff_in(client, "Content editor")

    response = _act(client, "send", issue, confirm="yes")

    assert _messages(response) == ["Send a test of “Deals” to yourself after your last edit."]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert mailoutbox == []


def test_send_asks_for_confirmation_then_mails_the_confirmed_subscribers(
    client, issue, mailoutbox, django_capture_on_commit_callbacks
):
    staff_in(client, "Content editor")
    _act(client, "send_test", issue)
    mailoutbox.clear()

    page = _act(client, "send", issue)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert "3 confirmed subscribers" in page.content.decode()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "send", issue, confirm="yes")

    assert _messages(response) == ["1 queued for sending."]
    assert sorted(m.to[0] for m in mailoutbox) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (NewsletterIssue.Status.SENT, 3)
    assert "Hello <strong>readers</strong>." in issue.rendered_html


def test_an_edit_after_the_test_needs_a_new_test(client, issue, mailoutbox):
    staff_in(client, "Content editor")
    _act(client, "send_test", issue)
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        test_sent_at=timezone.now() - timedelta(minutes=5)
    )
    change = reverse("admin:cms_newsletterissue_change", args=[issue.pk])
    client.post(
        change,
        {
            "newsletter": issue.newsletter_id,
            "subject": "Deals (edited)",
            "body": "New text.",
            "include_top_offers": "",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    issue.refresh_from_db()
    assert issue.subject == "Deals (edited)"

    response = _act(client, "send", issue, confirm="yes")

    assert _messages(response)[-1] == (
        "Send a test of “Deals (edited)” to yourself after your last edit."
    )
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT


def test_a_role_that_may_edit_but_not_send_is_refused(client, issue, mailoutbox):
    writer = StaffFactory()
    writer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cms",
            codename__in=["view_newsletterissue", "change_newsletterissue"],
        )
    )
    client.force_login(writer)
    NewsletterIssue.objects.filter(pk=issue.pk).update(test_sent_at=timezone.now())

    changelist = client.get(ISSUES)
    response = _act(client, "send", issue, confirm="yes")

    actions = [value for value, _ in changelist.context["action_form"].fields["action"].choices]
    assert "send" not in actions
    assert "send_test" in actions
    assert _messages(response) == ["No action selected."]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert mailoutbox == []


def test_a_support_agent_sees_no_newsletter_admin(client, issue):
    staff_in(client, "Support agent")

    assert client.get(ISSUES).status_code == 403


def test_staff_cannot_confirm_a_subscription_but_can_unsubscribe_it(client):
    staff_in(client, "Content editor")
    row = SubscriptionFactory(status="pending", confirmed_at=None)
    change = reverse("admin:cms_subscription_change", args=[row.pk])

    page = client.get(change)
    client.post(change, {"status": "confirmed"})
    row.refresh_from_db()
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert row.status == Subscription.Status.PENDING

    response = client.post(
        reverse("admin:cms_subscription_changelist"),
        {"action": "unsubscribe", "_selected_action": [row.pk]},
        follow=True,
    )
    assert _messages(response) == ["1 unsubscribed."]
    row.refresh_from_db()
    assert row.status == Subscription.Status.UNSUBSCRIBED
    assert list(row.consents.values_list("action", "source")) == [("unsubscribe", "staff")]


def test_an_editor_adds_a_bounced_address(client):
    staff_in(client, "Content editor")

    client.post(
        reverse("admin:cms_suppression_add"),
        {"email": "Bounced@Example.com", "reason": "bounced", "note": "550 no such user"},
    )

    assert list(Suppression.objects.values_list("email", "reason")) == [
        ("bounced@example.com", "bounced")
    ]


def test_an_editor_requeues_only_rows_stuck_over_fifteen_minutes(
    client, issue, mailoutbox, django_capture_on_commit_callbacks
):
    staff_in(client, "Content editor")
    NewsletterIssue.objects.filter(pk=issue.pk).update(status="sent", recipients=1)
    rows = [
        NewsletterDelivery.objects.create(
            issue=issue,
            subscription=Subscription.objects.get(email=f"r{n}@example.com"),
            email=f"r{n}@example.com",
            status=status,
            sent_at=timezone.now() - timedelta(minutes=minutes),
        )
        for n, (status, minutes) in enumerate([("sending", 16), ("sending", 5), ("sent", 60)])
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "requeue_stuck", issue)

    assert _messages(response) == ["1 re-queued."]
    assert [m.to for m in mailoutbox] == [["r0@example.com"]]
    assert [row.status for row in NewsletterDelivery.objects.order_by("pk")] == [
        "sent",
        "sending",
        "sent",
    ]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == ("sent", 2)
    assert rows[0].pk < rows[1].pk


def test_requeue_resumes_a_job_that_died_with_rows_still_queued(
    client, issue, mailoutbox, django_capture_on_commit_callbacks
):
    # The mail server was down: the batch stopped before claiming anything.
    staff_in(client, "Content editor")
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status="sending", rendered_text="Hi\n", rendered_html="<p>Hi</p>"
    )
    for n in range(2):
        NewsletterDelivery.objects.create(
            issue=issue,
            subscription=Subscription.objects.get(email=f"r{n}@example.com"),
            email=f"r{n}@example.com",
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "requeue_stuck", issue)

    assert _messages(response) == ["1 re-queued."]
    assert sorted(m.to[0] for m in mailoutbox) == ["r0@example.com", "r1@example.com"]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == ("sent", 2)
