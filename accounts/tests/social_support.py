"""Drive a whole Google or Facebook login through allauth's real views, offline.

As allauth's own test suite does (`allauth.tests.mocked_response`, `OAuth2TestsMixin.login`):
POST our login URL, follow the redirect's `state` back to the callback, and answer the
HTTP calls allauth makes to the provider (token exchange, profile) with canned responses
queued in order. Any other outgoing request fails the test: nothing reaches the network.
"""

import json
import time
from contextlib import contextmanager
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from django.urls import reverse

GOOGLE_CLIENT_ID = "test-google-client.apps.googleusercontent.com"
FACEBOOK_APP_ID = "1234567890"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def providers_settings(*, google: bool = True, facebook: bool = True) -> dict:
    """SOCIALACCOUNT_PROVIDERS as config/settings.py builds it from the env vars."""

    def apps(client_id, on):
        return [{"client_id": client_id, "secret": "test-secret", "key": ""}] if on else []

    return {
        "google": {
            "APPS": apps(GOOGLE_CLIENT_ID, google),
            "SCOPE": ["openid", "profile", "email"],
            "AUTH_PARAMS": {"prompt": "select_account"},
            "OAUTH_PKCE_ENABLED": True,
        },
        "facebook": {
            "APPS": apps(FACEBOOK_APP_ID, facebook),
            "METHOD": "oauth2",
            "SCOPE": ["email", "public_profile"],
        },
    }


class MockedResponse:
    """The part of requests.Response that allauth's OAuth2 client and providers read."""

    def __init__(self, status_code: int, body: dict):
        self.status_code = status_code
        self.ok = status_code < 400
        self.text = json.dumps(body)
        self.content = self.text.encode()
        self.headers = {"content-type": "application/json"}
        self._body = body

    def json(self):
        return self._body

    def raise_for_status(self):
        if not self.ok:
            raise requests.HTTPError(f"{self.status_code}")


@contextmanager
def mocked_response(*responses: MockedResponse):
    """Answer allauth's outgoing requests with `responses`, in order; every one must be
    used and no other request may be made."""
    queue = list(responses)
    calls = []

    def fake_request(session, method, url, *args, **kwargs):
        calls.append((method, url))
        if not queue:
            raise AssertionError(f"unexpected outgoing request: {method} {url}")
        return queue.pop(0)

    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=fake_request):
        yield calls
    assert not queue, f"{len(queue)} mocked response(s) not requested"


def google_id_token(*, sub: str, email: str, verified: bool, given="Kim", family="Lee") -> str:
    # Received straight from Google's token endpoint over TLS, so allauth does not check
    # the signature (OpenID Connect Core 3.1.3.7); issuer, audience and expiry it does.
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT_ID,
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "given_name": given,
        "family_name": family,
        "name": f"{given} {family}",
        "iat": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, "not-checked-" * 4, algorithm="HS256")


def google_responses(*, sub="g-1001", email="kim@example.com", verified=True, **names):
    token = {
        "access_token": "g-access",
        "expires_in": 3599,
        "token_type": "Bearer",
        "id_token": google_id_token(sub=sub, email=email, verified=verified, **names),
    }
    return [MockedResponse(200, token)]


def facebook_responses(*, uid="fb-2002", email="kim@example.com", first="Kim", last="Lee"):
    token = {"access_token": "fb-access", "token_type": "bearer", "expires_in": 5183944}
    profile = {"id": uid, "email": email, "first_name": first, "last_name": last}
    profile["name"] = f"{first} {last}"
    return [MockedResponse(200, token), MockedResponse(200, profile)]


def start(client, provider: str, *, process="login", ip="203.0.113.9", **fields):
    """POST our login URL (as the buttons do); allauth answers with the provider's
    authorization URL."""
    return client.post(
        reverse(f"{provider}_login"),
        {"process": process, **fields},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=BROWSER,
    )


def social_login(client, provider: str, responses, *, process="login", ip="203.0.113.9", **f):
    """The whole round trip; returns the callback's response."""
    started = start(client, provider, process=process, ip=ip, **f)
    assert started.status_code == 302, started
    query = parse_qs(urlparse(started.url).query)
    callback = reverse(f"{provider}_callback")
    assert query["redirect_uri"][0] == f"http://testserver{callback}"
    with mocked_response(*responses):
        return client.get(
            callback,
            {"code": "provider-code", "state": query["state"][0]},
            REMOTE_ADDR=ip,
            HTTP_USER_AGENT=BROWSER,
        )


def messages_of(response) -> list[str]:
    """The messages this request added (not older ones still waiting to be shown)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]
