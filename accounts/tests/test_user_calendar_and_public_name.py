from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models.user import public_name_of, validate_time_zone
from accounts.tests.factories import UserFactory


def test_public_name_never_shows_the_email():
    assert public_name_of("", "Dana", "Doe", 7) == "Dana D."
    assert public_name_of("", "Dana", "", 7) == "Dana"
    assert public_name_of("", "", "Doe", 7) == "Shopper 7"
    assert public_name_of("Speedy", "Dana", "Doe", 7) == "Speedy"


def test_time_zone_must_be_a_real_zone():
    validate_time_zone("Europe/Berlin")
    validate_time_zone("")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus")


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
