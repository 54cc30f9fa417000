"""Provider logins count against the password login's limits, the same way."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User, UserSession
from accounts.ratelimit import LOGIN_ACCOUNT, LOGIN_IP, SIGNUP_IP

from .factories import UserFactory
from .social_support import google_responses, messages_of, providers_settings, social_login
from .test_login import _login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _providers_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()


def test_address_over_the_login_limit_cannot_log_in_with_google(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (3, 600)}
    user = UserFactory(email="kim@example.com")
    SocialAccount.objects.create(user=user, provider="google", uid="g-1001")
    for n in range(3):
        _login(client, f"probe{n}@example.com", "guess", ip="203.0.113.9")

    response = social_login(client, "google", google_responses(), ip="203.0.113.9")

    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert UserSession.objects.count() == 0
    [message] = messages_of(response)
    assert message.startswith("Too many login attempts. Please wait ")


def test_account_locked_by_password_guesses_is_locked_for_google_too(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (3, 900)}
    user = UserFactory(email="kim@example.com")
    SocialAccount.objects.create(user=user, provider="google", uid="g-1001")
    for n in range(3):
        _login(client, "kim@example.com", f"guess-{n}", ip=f"198.51.100.{n}")

    response = social_login(client, "google", google_responses(), ip="192.0.2.1")

    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert messages_of(response)[0].startswith("Too many login attempts. Please wait ")


def test_successful_google_login_clears_counts_as_a_password_login_does(client, settings):
    user = UserFactory(email="kim@example.com")
    SocialAccount.objects.create(user=user, provider="google", uid="g-1001")
    _login(client, "kim@example.com", "wrong-guess", ip="203.0.113.9")
    assert (LOGIN_IP.count("203.0.113.9"), LOGIN_ACCOUNT.count("kim@example.com")) == (1, 1)

    social_login(client, "google", google_responses(), ip="203.0.113.9")

    assert int(client.session["_auth_user_id"]) == user.pk
    # The address gets back this attempt only; the account's count is cleared.
    assert (LOGIN_IP.count("203.0.113.9"), LOGIN_ACCOUNT.count("kim@example.com")) == (1, 0)


def test_refused_email_matches_count_as_failed_logins(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (2, 900)}
    victim = UserFactory(email="victim@example.com", email_verified_at=None)

    for n in range(2):
        social_login(client, "google", google_responses(sub=f"a{n}", email="victim@example.com"))

    assert LOGIN_ACCOUNT.count("victim@example.com") == 2
    assert LOGIN_IP.count("203.0.113.9") == 2
    # The owner's right password is now limited too, as after two wrong guesses.
    response = _login(client, "victim@example.com", ip="192.0.2.7")
    assert response.context["form"].non_field_errors()[0].startswith("Too many login")
    victim.refresh_from_db()
    assert victim.email_verified_at is None


def test_google_sign_ups_count_against_the_sign_up_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": (2, 3600)}
    for n in range(2):
        social_login(client, "google", google_responses(sub=f"g{n}", email=f"s{n}@example.com"))
        client.logout()

    response = social_login(client, "google", google_responses(sub="g9", email="s9@example.com"))

    assert response.url == reverse("accounts:signup")
    assert User.objects.count() == 2
    assert SocialAccount.objects.count() == 2
    assert SIGNUP_IP.count("203.0.113.9") == 3
    assert messages_of(response)[0].startswith("Too many sign-up attempts. Please wait ")
