"""Who may call the partner API: API keys, sessions, approval, throttles."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from affiliates.models import ApiKey, Link, Partner
from affiliates.services.apikeys import api_key_revoke
from campaigns.tests.factories import CampaignFactory

from ..factories import PendingPartnerFactory
from ..support import key_client

pytestmark = pytest.mark.django_db

CAMPAIGNS = reverse("api-partner-campaigns")
LINKS = reverse("api-partner-links")
REPORTS = reverse("api-partner-reports")
PAYOUTS = reverse("api-partner-payouts")


def test_an_api_key_authenticates_its_partner_and_its_use_is_recorded(partner):
    client, key = key_client(partner)

    response = client.get(LINKS)

    key.refresh_from_db()
    assert response.status_code == 200
    assert key.last_used_at is not None


def test_only_a_digest_of_the_key_is_stored(partner):
    _client, key = key_client(partner)
    stored = ApiKey.objects.values_list("prefix", "key_hash").get(pk=key.pk)

    assert len(stored[0]) == 8
    assert len(stored[1]) == 64
    assert all(stored[0] + "." not in value for value in stored[1:])


def test_a_revoked_key_stops_working_at_once(partner):
    client, key = key_client(partner)
    before = client.get(LINKS)

    assert api_key_revoke(key=key) is True
    after = client.get(LINKS)

    assert before.status_code == 200
    assert after.status_code == 401
    assert after["WWW-Authenticate"] == "Api-Key"
    assert after.json() == {
        "code": "authentication_failed",
        "detail": "This API key is not valid or was revoked.",
    }
    assert api_key_revoke(key=key) is False  # once


def test_revoking_one_key_leaves_the_others_working(partner):
    first, first_key = key_client(partner, "first")
    second, _ = key_client(partner, "second")

    api_key_revoke(key=first_key)

    assert (first.get(LINKS).status_code, second.get(LINKS).status_code) == (401, 200)


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key {prefix}.not-the-secret",
        "Api-Key {prefix}",
        "Api-Key nonsense",
        "Api-Key ",
        "Api-Key {raw}x",
    ],
)
def test_a_wrong_key_is_refused(partner, header):
    client, key = key_client(partner)
    raw = client._credentials["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    client.credentials(HTTP_AUTHORIZATION=header.format(prefix=key.prefix, raw=raw))

    response = client.get(LINKS)

    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid or was revoked."


@pytest.mark.parametrize("header", [None, "Bearer abc", "Token abc", "api-key abc"])
def test_no_key_is_not_authenticated(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(LINKS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("factory", [UserFactory, StaffFactory, SuperuserFactory])
def test_a_logged_in_user_who_is_not_a_partner_is_forbidden(factory):
    client = APIClient()
    client.force_login(factory())

    responses = [client.get(url).status_code for url in (CAMPAIGNS, LINKS, REPORTS, PAYOUTS)]

    assert responses == [403] * 4


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_a_partner_who_is_not_approved_is_forbidden_by_session_or_key(partner, status):
    client, _key = key_client(partner)
    Partner.objects.filter(pk=partner.pk).update(status=status)
    session = APIClient()
    session.force_login(partner.user)

    by_key, by_session = client.get(LINKS), session.get(LINKS)
    posted = client.post(LINKS, {"campaign": CampaignFactory().pk, "name": "x"}, format="json")

    assert (by_key.status_code, by_session.status_code, posted.status_code) == (403, 403, 403)
    assert by_key.json() == {
        "code": "permission_denied",
        "detail": "Only approved partners may use the partner API.",
    }
    assert Link.objects.count() == 0


def test_a_pending_applicant_is_forbidden():
    client = APIClient()
    client.force_login(PendingPartnerFactory().user)

    assert client.get(LINKS).status_code == 403


@pytest.mark.parametrize("status", [User.Status.SUSPENDED, User.Status.INACTIVE])
def test_the_key_of_a_disabled_user_is_refused(partner, status):
    client, _key = key_client(partner)
    User.objects.filter(pk=partner.user_id).update(status=status)

    assert client.get(LINKS).status_code == 401


def test_the_partners_own_session_works_and_enforces_csrf(partner):
    campaign = CampaignFactory()
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(partner.user)
    by_key, _ = key_client(partner)
    by_key_csrf = APIClient(enforce_csrf_checks=True)
    by_key_csrf.credentials(**by_key._credentials)

    listed = session.get(LINKS)
    forged = session.post(LINKS, {"campaign": campaign.pk}, format="json")
    with_key = by_key_csrf.post(LINKS, {"campaign": campaign.pk}, format="json")

    assert listed.status_code == 200
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    assert with_key.status_code == 201  # a key is not a cookie: no CSRF to forge
    assert Link.objects.count() == 1


def test_each_key_has_its_own_throttle(partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "partner_key": "3/minute",
        },
    }
    busy, _ = key_client(partner, "busy")
    calm, _ = key_client(partner, "calm")

    codes = [busy.get(LINKS).status_code for _ in range(4)]
    other = calm.get(LINKS)

    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200
    assert int(busy.get(LINKS)["Retry-After"]) > 0


def test_the_schema_documents_the_api_key():
    response = APIClient().get("/api/schema/", {"format": "json"})

    if response.status_code == 404:  # the schema is served in DEBUG only
        pytest.skip("schema not served")
