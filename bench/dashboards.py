"""dashboards: the pages people read all day, timed at seed scale.

On the datagen dataset (built first if missing), each page is requested 100 times through
the whole Django stack (middleware, sessions, templates) with production settings and the
Redis cache: the shopper dashboard and the partner dashboard (for the busiest account and
a quiet one: the query count must not depend on how much data there is), the home page's
top offers, the affiliate manager's top partners and campaigns, and the admin changelists
of clicks and postback logs. Prints p50/p95 and the query count of each, the plan of each
page's slowest query, and a BENCH line per page (target p95 < 50 ms).
"""

import argparse
import os
import statistics
import time

from .db import bench_line, drop, pg_settings, use_database, use_production_settings

TARGET_MS = 50.0


def _pages(c: dict) -> list[tuple[str, str, str]]:
    """(figure name, URL, who asks); ids follow datagen's skew: 1 is the busiest."""
    quiet_user, quiet_partner = c["users"], c["partners"]
    return [
        ("shopper_dashboard_busy", "/dashboard/", "user:1"),
        ("shopper_dashboard_quiet", "/dashboard/", f"user:{quiet_user}"),
        ("partner_dashboard_busy", "/partners/", "partner:1"),
        ("partner_dashboard_quiet", "/partners/", f"partner:{quiet_partner}"),
        ("top_offers", "/", "anonymous"),
        ("top_campaigns", "/admin/affiliates/partner/overview/", "staff"),
        ("admin_clicks", "/admin/tracking/click/", "staff"),
        ("admin_postback_logs", "/admin/tracking/postbacklog/", "staff"),
    ]


def _client_for(who: str):
    from django.test import Client

    from accounts.models import User
    from affiliates.models import Partner

    client = Client()
    kind, _, ident = who.partition(":")
    if kind == "user":
        client.force_login(User.objects.get(pk=int(ident)))
    elif kind == "partner":
        client.force_login(Partner.objects.get(pk=int(ident)).user)
    elif kind == "staff":
        staff, _ = User.objects.get_or_create(
            email="bench-admin@example.com",
            defaults={"is_staff": True, "is_superuser": True, "referral_code": "BENCHADMIN"},
        )
        client.force_login(staff)
    return client


def _measure(client, url: str, runs: int) -> tuple[list[float], list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: template loaders, connections, caches
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return timings, captured.captured_queries


def _explain(query: dict) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + query["sql"])
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboards", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="of the datagen dataset")
    parser.add_argument("--database", help="an existing datagen database to use")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN output")
    parser.add_argument("--drop", action="store_true", help="drop the dataset afterwards")
    args = parser.parse_args(argv)
    use_production_settings()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
    config = pg_settings()

    from . import datagen

    database = args.database or datagen.ensure(args.scale, config)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    # Production serves hashed static files from a manifest, as `make up` prepares them.
    call_command("collectstatic", interactive=False, verbosity=0)
    use_database(database)
    cache.clear()
    scale = datagen.built_scale(database, config) or args.scale
    c = datagen.counts(scale)
    print(f"dataset {database} (scale {scale}), {args.runs} runs per page")

    results, failed = {}, False
    for figure, url, who in _pages(c):
        timings, queries = _measure(_client_for(who), url, args.runs)
        p50, p95 = _percentile(timings, 0.50), _percentile(timings, 0.95)
        results[figure] = (p95, len(queries))
        print(
            f"{figure:26} {url:40} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {len(queries):3} queries"
        )
        if not args.no_plans:
            slowest = max(queries, key=lambda q: float(q["time"]))
            print(f"    slowest query ({float(slowest['time']) * 1000:.1f} ms):")
            print(f"      {slowest['sql'][:300]}")
            print(_explain(slowest))
    for busy, quiet in (
        ("shopper_dashboard_busy", "shopper_dashboard_quiet"),
        ("partner_dashboard_busy", "partner_dashboard_quiet"),
    ):
        if results[busy][1] != results[quiet][1]:
            failed = True
            print(
                f"query count depends on the data: {busy} {results[busy][1]}, {quiet} {results[quiet][1]}"
            )
    for figure, (p95, _count) in results.items():
        print(bench_line("dashboards", f"{figure}_p95_ms", p95, "<", TARGET_MS))
    if args.drop:
        from django.db import connection

        connection.close()
        drop(config, database)
    return 1 if failed else 0
