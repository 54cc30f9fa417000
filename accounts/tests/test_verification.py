import time

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from accounts.tokens import email_verification_token

from .factories import UnverifiedUserFactory

pytestmark = pytest.mark.django_db


def _verify_url(token):
    return reverse("accounts:verify-email", args=[token])


def test_valid_link_verifies_and_activates(client):
    user = UnverifiedUserFactory()

    response = client.get(_verify_url(email_verification_token(user)))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert user.status == User.Status.ACTIVE


def test_second_use_of_the_link_changes_nothing(client):
    user = UnverifiedUserFactory()
    token = email_verification_token(user)
    client.get(_verify_url(token))
    user.refresh_from_db()
    first_verified_at = user.email_verified_at

    response = client.get(_verify_url(token), follow=True)

    assert "already verified" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at == first_verified_at


def test_expired_link_is_refused_with_a_clear_error(client, monkeypatch, settings):
    user = UnverifiedUserFactory()
    issued = time.time() - settings.EMAIL_VERIFICATION_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    token = email_verification_token(user)
    monkeypatch.undo()

    response = client.get(_verify_url(token))

    assert response.status_code == 400
    assert "This verification link has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert user.status == User.Status.PENDING_VERIFICATION


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps({"u": 1, "e": "x@example.com"}, salt="another-salt"),
        lambda token: "not-a-token",
    ],
    ids=["signature", "wrong-salt", "garbage"],
)
def test_tampered_link_is_refused(client, tamper):
    user = UnverifiedUserFactory()

    response = client.get(_verify_url(tamper(email_verification_token(user))))

    assert response.status_code == 400
    assert "This verification link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_link_for_a_previous_email_address_is_refused(client):
    user = UnverifiedUserFactory(email="old@example.com")
    token = email_verification_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.com")

    response = client.get(_verify_url(token))

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_resend_sends_a_fresh_link_and_is_rate_limited(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify_resend_account": (2, 3600)}
    user = UnverifiedUserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            response = client.post(reverse("accounts:verify-resend"), follow=True)

    assert len(mailoutbox) == 2
    assert "Too many resend attempts" in response.content.decode()


def test_unverified_user_sees_the_banner_verified_user_does_not(client):
    user = UnverifiedUserFactory()
    client.force_login(user)
    assert 'data-test="verify-banner"' in client.get(reverse("dashboard")).content.decode()

    client.get(_verify_url(email_verification_token(user)))

    assert 'data-test="verify-banner"' not in client.get(reverse("dashboard")).content.decode()
