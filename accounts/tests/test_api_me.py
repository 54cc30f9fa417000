import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditLog, User

from .factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = reverse("api-me")
REFERRALS = reverse("api-me-referrals")


@pytest.fixture
def api():
    return APIClient()


def test_me_shows_the_caller_and_only_the_caller(api):
    me = UserFactory(email="me@example.com", first_name="Mo")
    UserFactory(email="other@example.com")
    api.force_authenticate(me)

    body = api.get(ME).json()

    assert body == {
        "id": me.pk,
        "email": "me@example.com",
        "first_name": "Mo",
        "last_name": me.last_name,
        "phone": "",
        "avatar": None,
        "status": "active",
        "email_verified": True,
        "referral_code": me.referral_code,
        "date_joined": body["date_joined"],
        "time_zone": "",
        "public_name": "",
        "leaderboard_hidden": False,
    }


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_callers_are_refused(api, method):
    response = getattr(api, method)(ME, {"first_name": "X"}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_patch_changes_only_profile_fields(api):
    me = UserFactory(email="me@example.com")
    api.force_authenticate(me)

    response = api.patch(
        ME,
        {
            "first_name": "Renamed",
            "phone": "+1 555 010 9999",
            "email": "hijack@example.com",
            "status": "active",
            "referral_code": "MINEMINE22",
            "id": 999,
        },
        format="json",
    )

    assert response.status_code == 200
    me.refresh_from_db()
    assert (me.first_name, me.phone, me.email) == ("Renamed", "+1 555 010 9999", "me@example.com")
    assert me.referral_code != "MINEMINE22"
    assert response.json()["first_name"] == "Renamed"
    assert AuditLog.objects.count() == 0  # people editing themselves are not staff actions


def test_patch_with_a_bad_phone_is_a_400_and_changes_nothing(api):
    me = UserFactory(phone="+44 20 7946 0000")
    api.force_authenticate(me)

    response = api.patch(ME, {"phone": "call me maybe", "first_name": "Nope"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "phone"
    me.refresh_from_db()
    assert me.phone == "+44 20 7946 0000"
    assert me.first_name != "Nope"


def test_session_auth_enforces_csrf(client):
    me = UserFactory()
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(me)

    response = csrf_client.patch(ME, {"first_name": "X"}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_referrals_lists_only_my_friends_with_masked_addresses(api):
    me = UserFactory()
    mine = ReferralFactory(referrer=me, referred__first_name="", referred__email="zed@example.com")
    ReferralFactory()  # someone else's
    ReferralFactory(referred=me)  # the one who referred me is not my referral
    api.force_authenticate(me)

    body = api.get(REFERRALS).json()

    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": mine.pk,
            "friend": "z***@example.com",
            "status": "pending",
            "total_earned": "0.00",
            "created_at": body["results"][0]["created_at"],
            "activated_at": None,
        }
    ]
    assert api.get(REFERRALS, {"status": "active"}).json()["count"] == 0


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("api-schema"))
    docs = client.get(reverse("api-docs")).content.decode()

    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert "swagger-ui" in docs
    # Every script and stylesheet is our own static file, whatever else the page holds (a
    # random CSRF token may well contain the letters "cdn").
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "//unpkg" not in docs and "jsdelivr" not in docs and "cdnjs" not in docs


def test_profile_page_updates_own_profile(client):
    me = UserFactory()
    client.force_login(me)

    response = client.post(
        reverse("accounts:profile"), {"first_name": "Ana", "last_name": "Lee", "phone": ""}
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.first_name, me.last_name) == ("Ana", "Lee")


def test_account_deletion_needs_password_then_closes_and_logs_out(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    me = UserFactory(email="leaving@example.com")
    client.force_login(me)

    wrong = client.post(reverse("accounts:delete"), {"current_password": "no", "confirm": "on"})
    assert wrong.status_code == 200
    me.refresh_from_db()
    assert me.deleted_at is None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:delete"),
            {"current_password": "correct-horse-battery", "confirm": "on"},
        )

    me.refresh_from_db()
    assert me.deleted_at is not None
    assert not me.is_active
    assert client.get(reverse("dashboard")).status_code == 302
    # The wrong password is audited like every failed re-check.
    assert list(AuditLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "reauth.wrong_password",
        "user.delete",
    ]
    assert [m.subject for m in mailoutbox] == ["Your SaveBucks account is closed"]


def test_purge_frees_the_email_of_long_closed_accounts(client):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old = UserFactory(email="old@example.com", deleted_at=timezone.now() - timedelta(days=40))
    recent = UserFactory(email="recent@example.com", deleted_at=timezone.now() - timedelta(days=2))

    call_command("purge_deleted_users", "--days", "30", stdout=__import__("io").StringIO())

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.email == f"deleted-{old.pk}@deleted.invalid"
    assert not old.has_usable_password()
    assert recent.email == "recent@example.com"
    assert not User.objects.filter(email="old@example.com").exists()
