"""Transactional emails are plain text: names arrive as written, not HTML-escaped."""

import pytest

from accounts.emails import email_queue
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_plain_text_email_carries_the_name_as_written(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(first_name="O'Brien & <Co>", email="ob@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            to=user.email,
            template="verify_email",
            context={"user": user, "verify_url": "https://x.test/v?a=1&b=2"},
        )

    [mail] = mailoutbox
    assert mail.body.startswith("Hi O'Brien & <Co>,")
    assert "https://x.test/v?a=1&b=2" in mail.body
    assert "&amp;" not in mail.body and "&#x27;" not in mail.body
    assert mail.alternatives == []
