"""leaderboard: recomputing a monthly earnings leaderboard, and reading it through the API.

Builds N confirmed cashback rows for M shoppers this month with one INSERT … SELECT
generate_series, then, in the same run:
  recompute: gamification.services.leaderboard_live.leaderboard_refresh (the scores query,
             ranking with tie prize shares in Python, the live store: Redis when REDIS_URL
             is set, else the table) against
  baseline:  the same rows grouped in raw SQL (the same join to the shoppers, GROUP BY,
             ORDER BY score, fetched whole);
  target recompute ÷ baseline ≤ 1.5.
Then GET /api/v1/leaderboards/<slug>/ as a ranked shopper, on the board ranking all M and
on a board ranking the top ~100 (a min_score), requests alternating: p95 with M ÷ p95
with 100, target ≤ 1.2, and the query count of each (must be equal).
"""

import argparse
import os
import statistics
import time

from .db import (
    bench_line,
    copy_bench_users,
    drop,
    pg_settings,
    recreate,
    use_database,
    use_production_settings,
)

RECOMPUTE_TARGET = 1.5
API_TARGET = 1.2

BASELINE = """
SELECT e.user_id, SUM(e.cashback_amount) AS score, MAX(e.confirmed_at) AS reached
FROM wallet_cashbackevent e JOIN accounts_user u ON u.id = e.user_id
WHERE e.status = 'confirmed' AND e.currency = %s AND e.confirmed_at >= %s AND e.confirmed_at < %s
  AND u.deleted_at IS NULL AND u.status IN ('active', 'pending_verification')
GROUP BY e.user_id HAVING SUM(e.cashback_amount) > 0
ORDER BY score DESC, reached, e.user_id
"""

ROWS = """
INSERT INTO wallet_cashbackevent (
    user_id, network_id, merchant_id, click_uuid, external_txn_id, sale_amount, commission,
    cashback_amount, currency, status, network_status, auto_confirm, expected_confirmation_at,
    reason, network_approved_at, confirmed_at, created_at, updated_at, sale_at, category_code,
    rate_label, original_currency)
SELECT (k %% %(users)s) + 1, %(network)s, %(merchant)s, md5(k::text)::uuid, 'L' || k, NULL, 0,
       ((k * 7919) %% 5000 + 1) / 100.0, 'USD', 'confirmed', 'approved', true, %(now)s,
       '', %(now)s, GREATEST(%(start)s, %(now)s - make_interval(secs => k %% 86400)),
       %(now)s, %(now)s, %(now)s, '', '', ''
FROM generate_series(1::bigint, %(events)s) AS k
"""


def _build(events: int, users: int):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gamification.models import Leaderboard
    from gamification.services.leaderboard_periods import current_period
    from offers.models import Merchant, Network

    call_command("migrate", verbosity=0)
    network = Network.objects.create(name="Bench", slug="bench", postback_token_hash="x" * 64)
    merchant = Merchant.objects.create(
        name="Bench store",
        slug="bench-store",
        network=network,
        tracking_url="https://example.com/{click_id}",
    )
    now = timezone.now()
    copy_bench_users(users, now)
    board = Leaderboard.objects.create(
        name="Monthly earnings",
        slug="monthly-earnings",
        type="earnings",
        frequency="monthly",
        prize_table=[{"ranks": "1", "amount": "25.00"}, {"ranks": "2-3", "amount": "10.00"}],
    )
    period = current_period(board, now)
    with connection.cursor() as cursor:
        cursor.execute(
            ROWS,
            {
                "users": users,
                "network": network.pk,
                "merchant": merchant.pk,
                "now": now,
                "start": period.start_at,
                "events": events,
            },
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [users])
        cursor.execute("ANALYZE")
    return board, period


def _baseline(period) -> list:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BASELINE, [settings.PLATFORM_CURRENCY, period.start_at, period.end_at])
        return cursor.fetchall()


def _recompute(board) -> int:
    from gamification.services.leaderboard_live import leaderboard_refresh

    return leaderboard_refresh(board=board)


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100, method="inclusive")[94]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench leaderboard", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each recompute contender.")
    parser.add_argument("--requests", type=int, default=300, help="API requests per board.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    args = parser.parse_args(argv)
    config = pg_settings()
    name = f"{config['NAME']}_bench_leaderboard"
    use_production_settings()
    # The API is throttled per shopper; the benchmark is one shopper asking many times.
    os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from gamification.models import Leaderboard
    from gamification.services.leaderboard_live import _drop

    started = time.perf_counter()
    recreate(config, name)
    use_database(name)
    board, period = _build(args.events, args.users)
    print(
        f"dataset: {args.events} confirmed cashback rows for {args.users} shoppers "
        f"in {time.perf_counter() - started:.1f}s"
    )

    timings = {"recompute": [], "baseline": []}
    ranked = baseline_rows = None
    for _round in range(args.repeat):
        for contender in ("recompute", "baseline"):
            started = time.perf_counter()
            if contender == "recompute":
                ranked = _recompute(board)
            else:
                baseline_rows = _baseline(period)
            timings[contender].append(time.perf_counter() - started)
    assert ranked == len(baseline_rows), (ranked, len(baseline_rows))
    for contender, runs in timings.items():
        print(
            f"{contender:9} best {min(runs) * 1000:8.1f} ms  "
            f"(runs: {', '.join(f'{t * 1000:.1f}' for t in runs)})"
        )
    recompute_ratio = min(timings["recompute"]) / min(timings["baseline"])
    print(f"recompute / baseline: {recompute_ratio:.2f}  ({ranked} shoppers ranked)")

    # The small board: the same data, only the top ~100 qualify.
    small = Leaderboard.objects.create(
        name="Top hundred",
        slug="top-hundred",
        type="earnings",
        frequency="monthly",
        prize_table=board.prize_table,
        min_score=baseline_rows[min(99, len(baseline_rows) - 1)][1],
    )
    small_ranked = _recompute(small)
    board.refresh_from_db()
    viewer = User.objects.get(pk=baseline_rows[0][0])  # ranked on both boards
    client = Client()
    client.force_login(viewer)
    urls = {
        "all": f"/api/v1/leaderboards/{board.slug}/",
        "top100": "/api/v1/leaderboards/top-hundred/",
    }
    api = {label: [] for label in urls}
    for url in urls.values():  # warm
        for _ in range(3):
            assert client.get(url).status_code == 200
    for i in range(args.requests):
        order = list(urls.items()) if i % 2 == 0 else list(reversed(urls.items()))
        for label, url in order:
            started = time.perf_counter()
            response = client.get(url)
            api[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    queries = {}
    for label, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        queries[label] = len(captured)
        assert body["me"]["rank"] == 1, body["me"]
        assert len(body["entries"]) == min(100, ranked if label == "all" else small_ranked)
    for label in urls:
        print(
            f"api {label:6} ({ranked if label == 'all' else small_ranked:>7} ranked): "
            f"p50 {statistics.median(api[label]):6.2f} ms  p95 {_p95(api[label]):6.2f} ms  "
            f"{queries[label]} queries"
        )
    api_ratio = _p95(api["all"]) / _p95(api["top100"])
    print(f"api p95 {ranked} ranked / {small_ranked} ranked: {api_ratio:.2f}")

    for snapshot_owner in (board, small):
        snapshot_owner.refresh_from_db()
        for snapshot in snapshot_owner.live.values():
            _drop(snapshot["token"])
    connection.close()
    if not args.keep:
        drop(config, name)
    print(bench_line("leaderboard", "recompute_ratio", recompute_ratio, "<=", RECOMPUTE_TARGET))
    print(bench_line("leaderboard", "api_p95_ratio", api_ratio, "<=", API_TARGET))
    if queries["all"] != queries["top100"]:
        print(f"query count grows with participants: {queries}")
        return 1
    return 0
