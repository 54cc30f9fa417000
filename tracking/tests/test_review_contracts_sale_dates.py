"""Review: sale dates at the edges of what Python's datetime can hold. A date whose offset
carries it outside years 1..9999 once read in UTC is a malformed date: a 400 with
invalid_sale_date (or conversion_date) on both postbacks, never a 500, nothing recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from affiliates.models import Conversion
from wallet.models import CashbackEvent

from .test_sale_dates import _conversion_sender, _network_sender

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [
    "0001-01-01T00:00:00+01:00",  # 31 Dec of year 0 in UTC
    "0001-01-01T00:30:00+05:00",
    "0001-01-01 00:00:00+23:59",
]


@pytest.mark.parametrize("raw", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "make, recorded",
    [(_network_sender, CashbackEvent.objects.all), (_conversion_sender, Conversion.objects.all)],
    ids=["network", "conversion"],
)
def test_a_sale_date_outside_the_calendar_in_utc_is_a_400(client, make, recorded, raw):
    sender = make(timezone.now() - timedelta(days=1))

    response = sender.send(client, raw)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_sale_date"
    assert recorded().count() == 0
