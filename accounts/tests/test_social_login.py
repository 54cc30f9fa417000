"""Sign-up and log-in with Google and Facebook, through allauth's real views (offline)."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import AuditLog, Referral, User, UserSession

from .factories import UnverifiedUserFactory, UserFactory
from .social_support import (
    facebook_responses,
    google_responses,
    messages_of,
    providers_settings,
    social_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _providers_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()


def test_google_sign_up_creates_a_verified_shopper_and_records_the_session(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = social_login(
            client, "google", google_responses(email="Kim@Example.com", verified=True)
        )

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "kim@example.com"
    assert (user.first_name, user.last_name) == ("Kim", "Lee")
    assert user.status == User.Status.ACTIVE
    assert user.email_verified_at is not None
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    [account] = SocialAccount.objects.all()
    assert (account.provider, account.uid, account.user_id) == ("google", "g-1001", user.pk)
    session = UserSession.objects.get()
    assert (session.user_id, session.session_key) == (user.pk, client.session.session_key)
    assert (session.ip, session.device) == ("203.0.113.9", "Chrome 120 on Linux")
    assert user.last_login_ip == "203.0.113.9"
    [audit] = AuditLog.objects.all()
    assert (audit.action, audit.actor_id, audit.entity_id) == ("user.social_link", user.pk, str(user.pk))
    assert audit.metadata == {"provider": "google", "uid": "g-1001", "via": "signup"}
    assert mailoutbox == []  # Google verified the address: no link to click
    assert messages_of(response) == ["Welcome to SaveBucks, Kim Lee!"]
