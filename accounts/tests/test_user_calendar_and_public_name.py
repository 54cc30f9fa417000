from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models.user import public_name_of, validate_time_zone
from accounts.tests.factories import UserFactory


def test_public_name_never_shows_the_email():
    assert public_name_of("", "Dana", "Doe", 7) == "Dana D."
    assert public_name_of("", "Dana", "", 7) == "Dana"
    assert public_name_of("", "", "Doe", 7) == "Shopper 7"
    assert public_name_of("Speedy", "Dana", "Doe", 7) == "Speedy"
    # An address typed as a first name at signup, or set by staff in the admin.
    assert public_name_of("", "dana@example.com", "Doe", 7) == "Shopper 7"
    assert public_name_of("dana@example.com", "Dana", "Doe", 7) == "Dana D."


def test_time_zone_must_be_a_real_zone():
    validate_time_zone("Europe/Berlin")
    validate_time_zone("")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus")


@pytest.mark.parametrize("name", ["localtime", "Factory"])
def test_pseudo_zones_are_neither_offered_nor_accepted(name):
    # The profile's list offered "localtime" (the server's own clock, and a missing
    # file on hosts without it: every page reading the shopper's day would fail) and
    # "Factory" (no place at all).
    from accounts.forms import ProfileForm

    with pytest.raises(ValidationError):
        validate_time_zone(name)
    offered = dict(ProfileForm().fields["time_zone"].choices)
    assert name not in offered and "Europe/Berlin" in offered


@pytest.mark.django_db
def test_local_today_follows_the_shoppers_zone(settings):
    settings.TIME_ZONE = "UTC"
    late_utc = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert UserFactory(time_zone="").local_today(late_utc).isoformat() == "2026-03-01"
    assert UserFactory(time_zone="Asia/Tokyo").local_today(late_utc).isoformat() == "2026-03-02"
    assert (
        UserFactory(time_zone="America/Los_Angeles").local_today(late_utc).isoformat()
        == "2026-03-01"
    )


@pytest.mark.django_db
def test_the_profile_page_sets_time_zone_public_name_and_hiding(client):
    me = UserFactory(first_name="Dana", last_name="Doe")
    client.force_login(me)
    form = {"first_name": "Dana", "last_name": "Doe", "phone": ""}

    saved = client.post(
        reverse("accounts:profile"),
        {**form, "time_zone": "Asia/Tokyo", "public_name": "Speedy", "leaderboard_hidden": "on"},
    )
    bad_zone = client.post(reverse("accounts:profile"), {**form, "time_zone": "Mars/Olympus"})
    email_name = client.post(reverse("accounts:profile"), {**form, "public_name": "me@x.example"})

    assert saved.status_code == 302
    me.refresh_from_db()
    assert (me.time_zone, me.public_name, me.leaderboard_hidden) == ("Asia/Tokyo", "Speedy", True)
    assert bad_zone.status_code == 200 and "time_zone" in bad_zone.context["form"].errors
    assert email_name.context["form"].errors["public_name"] == ["A public name cannot contain '@'."]
    me.refresh_from_db()
    assert (me.time_zone, me.public_name, me.leaderboard_hidden) == ("Asia/Tokyo", "Speedy", True)


@pytest.mark.django_db
def test_patch_me_sets_time_zone_public_name_and_hiding_and_refuses_bad_values():
    me = UserFactory()
    api = APIClient()
    api.force_authenticate(me)
    url = reverse("api-me")

    ok = api.patch(
        url,
        {"time_zone": "America/New_York", "public_name": "Nightowl", "leaderboard_hidden": True},
        format="json",
    )
    bad_zone = api.patch(url, {"time_zone": "Mars/Olympus"}, format="json")
    email_name = api.patch(url, {"public_name": "a@b.example"}, format="json")
    too_long = api.patch(url, {"public_name": "x" * 41}, format="json")

    assert ok.status_code == 200, ok.json()
    assert {k: ok.json()[k] for k in ("time_zone", "public_name", "leaderboard_hidden")} == {
        "time_zone": "America/New_York",
        "public_name": "Nightowl",
        "leaderboard_hidden": True,
    }
    assert (bad_zone.status_code, bad_zone.json()["code"]) == (400, "invalid")
    assert (email_name.status_code, too_long.status_code) == (400, 400)
    me.refresh_from_db()
    assert (me.time_zone, me.public_name) == ("America/New_York", "Nightowl")


@pytest.mark.parametrize(
    "name",
    [
        "SaveBucks Staff",
        "savebucks_support",
        "\uff33ave\uff42ucks",  # fullwidth letters: "Savebucks" after NFKC
        "Admin",
        "Dana\u202egnp.exe",  # right-to-left override
        "Da\u200bna",  # zero-width space
        "Dana\nDoe",
    ],
)
@pytest.mark.django_db
def test_the_profile_refuses_names_posing_as_staff_or_hiding_characters(client, name):
    me = UserFactory(first_name="Dana", last_name="Doe", public_name="Speedy")
    client.force_login(me)
    form = {"first_name": "Dana", "last_name": "Doe", "phone": "", "public_name": name}
    response = client.post(reverse("accounts:profile"), form)
    assert response.status_code == 200
    assert "public_name" in response.context["form"].errors
    me.refresh_from_db()
    assert me.public_name == "Speedy"


def test_ordinary_names_stay_allowed():
    from accounts.services.users import validate_public_name

    for name in ("Speedy", "Zoë K.", "李小龍", "Dana-Doe 2", "Staffordshire Dan"):
        validate_public_name(name)
