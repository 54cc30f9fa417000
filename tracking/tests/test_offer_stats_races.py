"""The daily figures' minute job racing itself and the rebuild, on real PostgreSQL with
real threads: every click and sale counted once, whoever runs first."""

import pytest

from config.testing import race
from tracking.services.offer_stats import offer_stats_rebuild, offer_stats_roll_up

from . import offer_stats_fixture
from .test_offer_stats import OFFER_ROWS, STORE_ROWS, offer_rows, store_rows

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_eight_minute_jobs_at_once_count_every_click_once():
    offer_stats_fixture.build()

    results = race(8, lambda i: offer_stats_roll_up())

    assert sorted(result["offer_daily_clicks"] for result in results) == [0] * 7 + [28]
    assert offer_rows() == OFFER_ROWS
    assert store_rows() == STORE_ROWS


def test_rebuilds_and_minute_jobs_racing_end_with_the_right_figures():
    offer_stats_fixture.build()

    results = race(6, lambda i: offer_stats_rebuild() if i % 2 else offer_stats_roll_up())

    assert [r for r in results if isinstance(r, Exception)] == []
    assert offer_rows() == OFFER_ROWS
    assert store_rows() == STORE_ROWS
