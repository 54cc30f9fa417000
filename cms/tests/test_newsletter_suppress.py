"""Suppressions from outside the admin (`suppress_email`, for a bounce or complaint
feed): normalised, idempotent, an address added mid-send gets no copy; and the deploy
check that keeps the unsubscribe links https (RFC 8058)."""

import io

import pytest
from django.core.management import CommandError, call_command

from cms.checks import site_url_is_https
from cms.models import NewsletterDelivery, Suppression
from cms.services.newsletter_send import issue_send_batch

from .factories_newsletter import NewsletterListFactory, SubscriptionFactory, sending_issue

pytestmark = pytest.mark.django_db


def test_the_command_suppresses_normalised_addresses_once_and_reports_the_invalid(tmp_path):
    Suppression.objects.create(email="old@example.com", reason="complained")
    feed = tmp_path / "bounces.txt"
    feed.write_text("Bounced@Example.com\n\nold@example.com\nnot-an-address\n")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 invalid address"):
        call_command(
            "suppress_email",
            " Other@Example.com ",
            file=str(feed),
            note="550",
            stdout=out,
            stderr=err,
        )

    assert out.getvalue() == "2 suppressed, 1 already suppressed, 1 invalid.\n"
    assert err.getvalue() == "Not an email address: not-an-address\n"
    assert sorted(Suppression.objects.values_list("email", "reason", "note")) == [
        ("bounced@example.com", "bounced", "550"),
        ("old@example.com", "complained", ""),
        ("other@example.com", "bounced", "550"),
    ]


def test_the_command_needs_addresses_and_a_known_reason():
    with pytest.raises(CommandError, match="Give addresses"):
        call_command("suppress_email")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("suppress_email", "a@example.com", "--reason=whatever")
    assert Suppression.objects.count() == 0


def test_an_address_suppressed_mid_send_gets_no_copy(settings, mailoutbox):
    settings.NEWSLETTER_BATCH_SIZE = 1
    weekly = NewsletterListFactory(slug="weekly-deals")
    first, second = (
        SubscriptionFactory(newsletter=weekly, email=e) for e in ["a@example.com", "b@example.com"]
    )
    issue = sending_issue(weekly)
    assert issue_send_batch(issue.pk, write=True) == 1

    call_command("suppress_email", "B@example.com", reason="complained", stdout=io.StringIO())
    assert issue_send_batch(issue.pk) == 0

    assert [m.to for m in mailoutbox] == [[first.email]]
    assert NewsletterDelivery.objects.get(email=second.email).status == "skipped"


@pytest.mark.parametrize(
    ("site_url", "ids"),
    [("https://savebucks.example", []), ("http://savebucks.example", ["cms.E001"])],
)
def test_check_deploy_wants_an_https_site_url(settings, site_url, ids):
    settings.SITE_URL = site_url

    assert [error.id for error in site_url_is_https()] == ids
