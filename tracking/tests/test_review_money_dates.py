"""Review: sale dates at the edges of what Python's datetime can hold. A moment that
cannot be shown in UTC or the site's time zone (year 1 east of UTC) is refused as an
invalid sale date on both postbacks, never a 500."""

import pytest

from .test_sale_dates import _assert_refused, sender  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "zone"),
    [
        ("0001-01-01T00:00:00+14:00", "UTC"),  # a year before year 1 in UTC
        ("0001-01-01T00:00:00+14:00", "Europe/Berlin"),
        ("0001-01-01T00:00:00Z", "America/Los_Angeles"),  # a year before year 1 locally
        ("9999-12-31T23:59:59-14:00", "UTC"),  # after year 9999 in UTC
        ("9999-12-31", "Pacific/Kiritimati"),
    ],
)
def test_a_moment_beyond_the_calendar_is_an_invalid_sale_date(
    client,
    sender,  # noqa: F811
    settings,
    raw,
    zone,
):
    settings.TIME_ZONE = zone

    _assert_refused(sender.send(client, raw), sender, 400, "invalid_sale_date")
