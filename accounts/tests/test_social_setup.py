"""Which providers are on, what is mounted, and what a failed provider round trip does."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse

from accounts.models import User

from .factories import UserFactory
from .social_support import (
    MockedResponse,
    messages_of,
    mocked_response,
    providers_settings,
    start,
)
from .test_login import _login

pytestmark = pytest.mark.django_db

PAGES = ("accounts:login", "accounts:signup")


@pytest.mark.parametrize("page", PAGES)
def test_no_keys_no_buttons(client, settings, page):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=False, facebook=False)

    html = client.get(reverse(page)).content.decode()

    assert 'data-test="social-buttons"' not in html
    assert "with Google" not in html
    assert "with Facebook" not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_provider_with_keys_gets_a_post_button(client, settings, page):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=True, facebook=False)

    html = client.get(reverse(page), {"ref": "ABCDEFGH23"}).content.decode()

    assert 'data-test="social-google"' in html
    assert f'action="{reverse("google_login")}"' in html
    assert 'name="ref" value="ABCDEFGH23"' in html
    assert "Facebook" not in html


@pytest.mark.parametrize("provider", ["google", "facebook"])
@pytest.mark.parametrize("step", ["login", "callback"])
def test_urls_of_a_provider_without_keys_are_404(client, settings, provider, step):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=False, facebook=False)
    url = reverse(f"{provider}_{step}")

    assert client.get(url, {"code": "x", "state": "y"}).status_code == 404
    assert client.post(url).status_code == 404


def test_database_social_apps_do_not_switch_a_provider_on(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=False, facebook=False)
    SocialApp.objects.create(provider="google", name="G", client_id="db-id", secret="db-secret")

    assert client.post(reverse("google_login")).status_code == 404
    assert "with Google" not in client.get(reverse("accounts:login")).content.decode()


def test_provider_login_starts_only_with_a_post(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()

    page = client.get(reverse("google_login"), {"process": "login"})
    started = start(client, "google")

    # A GET (a link on another site) only shows a confirmation form; nothing starts.
    assert page.status_code == 200
    assert 'data-test="social-confirm"' in page.content.decode()
    assert started.status_code == 302
    assert started.url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert "client_id=test-google-client.apps.googleusercontent.com" in started.url


def test_provider_login_post_needs_the_csrf_token(settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()

    response = Client(enforce_csrf_checks=True).post(reverse("google_login"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"error": "access_denied", "state": "whatever"}, "Google login did not complete."),
        ({"code": "x", "state": "forged"}, "Google login did not complete."),
        ({}, "Google login did not complete."),
    ],
)
def test_cancelled_or_forged_callbacks_go_back_to_our_login_page(client, settings, query, message):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    start(client, "google")

    with mocked_response():  # no call reaches Google
        response = client.get(reverse("google_callback"), query)

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert messages_of(response) == [f"{message} Please try again."]
    assert User.objects.count() == 0


def test_failed_token_exchange_is_a_message_not_a_500(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    state = parse_qs(urlparse(start(client, "google").url).query)["state"][0]

    with mocked_response(MockedResponse(400, {"error": "invalid_grant"})):
        response = client.get(reverse("google_callback"), {"code": "x", "state": state})

    assert response.url == reverse("accounts:login")
    assert messages_of(response) == ["Google login did not complete. Please try again."]
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        # allauth's own account pages (a second, unprotected login path) are not mounted…
        "/accounts/social/password/reset/",
        "/accounts/social/email/",
        "/accounts/social/confirm-email/abc/",
        "/accounts/social/3rdparty/",
        "/accounts/social/reauthenticate/",
        "/accounts/social/inactive/",
        "/accounts/3rdparty/signup/",
        "/accounts/email/",
        # …nor the providers' token endpoints (logins from a client-side SDK token).
        "/accounts/social/google/login/token/",
        "/accounts/social/facebook/login/token/",
    ],
)
def test_allauths_own_pages_are_not_exposed(client, settings, path):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_names_allauth_reverses_lead_to_our_pages(client):
    assert client.get(reverse("account_login")).url == reverse("accounts:login")
    assert client.get(reverse("account_signup")).url == reverse("accounts:signup")
    assert client.get(reverse("socialaccount_signup")).url == reverse("accounts:signup")
    assert client.get(reverse("socialaccount_login_cancelled")).url == reverse("accounts:login")
    assert client.get(reverse("socialaccount_login_error")).url == reverse("accounts:login")


def test_our_pages_keep_their_urls():
    assert reverse("accounts:login") == "/accounts/login/"
    assert reverse("accounts:signup") == "/accounts/signup/"
    assert reverse("accounts:password-reset") == "/accounts/password/reset/"
    assert reverse("google_callback") == "/accounts/social/google/login/callback/"
    assert reverse("facebook_callback") == "/accounts/social/facebook/login/callback/"


def test_password_login_still_works_beside_the_buttons(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    user = UserFactory(email="kim@example.com")

    response = _login(client, "kim@example.com")

    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk
