"""Unique visitors decided by the minute roll-up (tracking/services/unique_visitors.py):
/go/ writes every non-bot click as unique, the roll-up marks the repeats (the same ip and
user agent on the same link within AFFILIATE_UNIQUE_CLICK_WINDOW) before it counts them,
each click once, and a rebuild recounts those decisions without making them again."""

import importlib
import io
import math
from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from affiliates.models import DailyClicks, Link
from affiliates.tests.factories import LinkFactory
from config.testing import race
from tracking.models import AffiliateClick, RollupState
from tracking.services import unique_visitors
from tracking.services.rollups import counters_roll_up

from .factories import AffiliateClickFactory

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
IP = "198.51.100.7"
H = timedelta(hours=1)


def _visit(link, ago, *, ip=IP, agent=CHROME, sub1=""):
    """A click as /go/ writes it: unique unless a bot, until the roll-up decides."""
    bot = agent == GOOGLEBOT
    return AffiliateClickFactory(
        link=link,
        ip=ip,
        user_agent=agent,
        sub1=sub1,
        device_type="bot" if bot else "desktop",
        is_bot=bot,
        is_unique=not bot,
        age=ago,
    )


def _unique() -> list[bool]:
    return list(AffiliateClick.objects.order_by("pk").values_list("is_unique", flat=True))


def _figures(*links):
    return {
        "links": [
            Link.objects.values_list("clicks_count", "unique_clicks_count").get(pk=link.pk)
            for link in links
        ],
        "days": sorted(
            DailyClicks.objects.values_list("link_id", "day", "sub1", "clicks", "unique_clicks")
        ),
    }


@pytest.fixture
def adds(monkeypatch):
    """The unique-visitor keys the roll-up asks Redis about, with their timeouts."""
    backend = caches["default"]
    calls = []
    add = backend.add

    def recording(key, value, timeout=None, **kwargs):
        if key.startswith("go:seen:"):
            calls.append((key, timeout))
        return add(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(backend, "add", recording)
    return calls


def test_the_same_visitor_twice_within_the_window_is_one_unique_visitor():
    link = LinkFactory()
    _visit(link, 3 * H)
    _visit(link, 2 * H)

    counters_roll_up()

    assert _unique() == [True, False]
    assert _figures(link)["links"] == [(2, 1)]


def test_a_repeat_in_a_later_minute_is_found_in_redis(adds):
    link = LinkFactory()
    first = _visit(link, 3 * H)
    counters_roll_up()
    _visit(link, 2 * H)

    counters_roll_up()

    assert _unique() == [True, False]
    key = unique_visitors.visitor_key(link.pk, IP, CHROME)
    assert [k for k, _timeout in adds] == [key, key]
    # The key expires when it would have, set at the first click: 21 hours from now.
    expires_in = (first.created_at + timedelta(hours=24) - timezone.now()).total_seconds()
    assert abs(adds[0][1] - math.ceil(expires_in)) <= 2
    assert _figures(link)["links"] == [(2, 1)]


def test_the_same_visitor_after_the_window_is_unique_again():
    link = LinkFactory()
    _visit(link, 30 * H)
    counters_roll_up()
    _visit(link, 5 * H)
    _visit(link, 4 * H)

    counters_roll_up()

    assert _unique() == [True, True, False]
    assert _figures(link)["links"] == [(3, 2)]


def test_another_user_agent_ip_or_link_is_another_visitor():
    link, other = LinkFactory(), LinkFactory()
    _visit(link, 3 * H)
    _visit(link, 3 * H, agent=FIREFOX)
    _visit(link, 3 * H, ip="198.51.100.8")
    _visit(other, 3 * H)

    counters_roll_up()

    assert _unique() == [True, True, True, True]
    assert _figures(link, other)["links"] == [(3, 3), (1, 1)]


def test_bots_are_never_unique_and_never_asked_about(adds):
    link = LinkFactory()
    _visit(link, 3 * H, agent=GOOGLEBOT)
    _visit(link, 2 * H, agent=GOOGLEBOT)
    _visit(link, 1 * H)

    counters_roll_up()

    assert _unique() == [False, False, True]
    assert [key for key, _timeout in adds] == [unique_visitors.visitor_key(link.pk, IP, CHROME)]
    assert _figures(link)["links"] == [(3, 1)]


def test_two_repeats_in_one_batch_are_decided_by_the_batch_itself(adds):
    link = LinkFactory()
    _visit(link, 3 * H)
    _visit(link, 2 * H)
    _visit(link, 1 * H)

    counters_roll_up()

    assert _unique() == [True, False, False]
    assert len(adds) == 1  # the first opens the window; the batch knows the rest
    assert _figures(link)["links"] == [(3, 1)]


def test_a_backlog_older_than_the_window_is_decided_within_its_batch(adds):
    link = LinkFactory()
    _visit(link, 72 * H)
    _visit(link, 71 * H)  # within the first one's window
    _visit(link, 47 * H)  # 25 hours after it: a window of its own
    _visit(link, 46 * H)

    counters_roll_up()

    assert _unique() == [True, False, True, False]
    assert adds == []  # every window has closed: no key would still be there
    assert _figures(link)["links"] == [(4, 2)]


def test_a_backlog_split_across_batches_does_not_see_the_batch_before():
    """The documented limit: a window that closed before the roll-up read it is known
    only to its own batch."""
    link = LinkFactory()
    _visit(link, 72 * H)
    _visit(link, 71 * H)

    counters_roll_up(batch_size=1)
    counters_roll_up(batch_size=1)

    assert _unique() == [True, True]


def test_the_daily_rows_and_link_totals_count_exactly_the_unique_visitors():
    link, other = LinkFactory(), LinkFactory()
    day = timezone.localdate() - timedelta(days=1)
    noon = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    since_noon = timezone.now() - noon
    _visit(link, since_noon, sub1="mail")
    _visit(link, since_noon - timedelta(minutes=5), sub1="mail")
    _visit(link, since_noon - timedelta(minutes=10), sub1="web")  # a repeat, whatever its sub1
    _visit(link, since_noon, sub1="mail", ip="198.51.100.9")
    _visit(link, since_noon, sub1="mail", agent=GOOGLEBOT)
    _visit(other, since_noon)

    counters_roll_up()

    assert _unique() == [True, False, False, True, False, True]
    assert _figures(link, other) == {
        "links": [(5, 2), (1, 1)],
        "days": sorted(
            [
                (link.pk, day, "mail", 4, 2),
                (link.pk, day, "web", 1, 0),
                (other.pk, day, "", 1, 1),
            ]
        ),
    }


def test_a_rebuild_recounts_the_decisions_without_making_them_again(adds):
    link = LinkFactory()
    for ago in (30 * H, 29 * H, 3 * H, 2 * H):
        _visit(link, ago)
    _visit(link, 1 * H, ip="198.51.100.9")
    counters_roll_up()
    decided, figures, asked = _unique(), _figures(link), len(adds)
    assert (decided, figures["links"]) == ([True, False, True, False, True], [(5, 3)])

    call_command("rebuild_rollups", stdout=io.StringIO())

    assert _unique() == decided
    assert _figures(link) == figures
    assert len(adds) == asked  # every key is still there: asking again would say "repeat"
    assert RollupState.objects.get(name=unique_visitors.WATERMARK).last_id == (
        AffiliateClick.objects.latest("pk").pk
    )


def test_an_unreachable_cache_stops_the_rollup_and_the_next_run_counts_right(monkeypatch):
    link = LinkFactory()
    _visit(link, 3 * H)
    _visit(link, 2 * H)
    _visit(link, 1 * H, ip="198.51.100.9")
    backend = caches["default"]

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(backend, "add", unreachable)
        with pytest.raises(RedisConnectionError):
            counters_roll_up()

    # Nothing decided, nothing counted, no watermark moved: the next minute starts over.
    assert _unique() == [True, True, True]
    assert _figures(link) == {"links": [(0, 0)], "days": []}
    assert set(
        RollupState.objects.filter(
            name__in=["affiliate_clicks", unique_visitors.WATERMARK]
        ).values_list("last_id", flat=True)
    ) <= {0}

    counters_roll_up()

    assert _unique() == [True, False, True]
    assert _figures(link)["links"] == [(3, 2)]


def test_the_production_cache_does_not_hide_a_redis_that_is_down():
    """config.redis_cache raises what redis-py raises (no ignore-exceptions option): the
    decision cannot mistake a Redis that is down for a key that is not there."""
    link = LinkFactory()
    _visit(link, 1 * H)
    down = {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}

    with override_settings(CACHES={"default": down}), pytest.raises(RedisConnectionError):
        counters_roll_up()

    assert _figures(link) == {"links": [(0, 0)], "days": []}


def test_the_migration_starts_the_decisions_after_the_clicks_go_decided():
    link = LinkFactory()
    _visit(link, 2 * H)
    newest = _visit(link, 1 * H)
    RollupState.objects.filter(name=unique_visitors.WATERMARK).delete()
    migration = importlib.import_module("tracking.migrations.0007_affiliate_click_unique_watermark")

    migration.start_after_the_clicks_decided_by_go(apps, None)
    counters_roll_up()

    # Decided by /go/ already (as before this change): counted as they were written.
    assert RollupState.objects.get(name=unique_visitors.WATERMARK).last_id == newest.pk
    assert _unique() == [True, True]


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_roll_ups_racing_decide_each_click_once():
    links = [LinkFactory() for _ in range(3)]
    for link in links:
        for i in range(4):
            _visit(link, (10 - i) * H)  # one visitor, four times: one unique
        _visit(link, 1 * H, ip="198.51.100.9")
    for name in ("offer_views", "offer_clicks", "offer_conversions", "affiliate_clicks"):
        RollupState.objects.create(name=name)  # made once, not by four threads at once

    results = race(4, lambda i: counters_roll_up(batch_size=4))

    assert [r for r in results if isinstance(r, Exception)] == []
    while counters_roll_up(batch_size=4)["affiliate_clicks"]:
        pass
    assert _unique() == [True, False, False, False, True] * 3
    assert _figures(*links)["links"] == [(5, 2)] * 3
