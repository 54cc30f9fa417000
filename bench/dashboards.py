"""dashboards: the pages people read all day, as ratios measured in one run.

Each page is timed three ways, the requests alternating one by one so that whatever else
the machine does hits all three alike: on the full datagen dataset, on the same dataset at
1/100 scale (its cost must not grow with the data: full p95 ÷ small p95 ≤ 1.2), and a
static page of the same layout on the full dataset (what the page adds to its chrome: full
p95 ÷ static p95 ≤ 3). The pages: the shopper dashboard and the partner dashboard (for the
busiest account and a quiet one, the query count must not depend on how much data there
is), the home page's top offers, the affiliate manager's top partners and campaigns, and
the admin changelists of clicks and postback logs; through the whole Django stack
(middleware, sessions, templates) with production settings and the Redis cache. Prints
p50/p95 and the query count of each contender, the plan of each page's slowest query on
the full dataset, and two BENCH lines per page; the milliseconds are information.
"""

import argparse
import os
import statistics
import time

from .db import bench_line, drop, pg_settings, use_production_settings

SCALE_TARGET = 1.2
STATIC_TARGET = 3.0
SMALL_SHARE = 0.01

# The static twin of each layout (bench/urls.py).
STATIC_SITE, STATIC_PARTNER, STATIC_ADMIN = (
    "/bench/static/",
    "/bench/static/partner/",
    "/bench/static/admin/",
)


def _pages(c: dict) -> list[tuple[str, str, str, str]]:
    """(figure name, URL, who asks, static twin); `who` may name the quiet account, which
    each dataset resolves from its own counts: ids follow datagen's skew, 1 is the busiest."""
    return [
        ("shopper_dashboard_busy", "/dashboard/", "user:1", STATIC_SITE),
        ("shopper_dashboard_quiet", "/dashboard/", "user:quiet", STATIC_SITE),
        ("partner_dashboard_busy", "/partners/", "partner:1", STATIC_PARTNER),
        ("partner_dashboard_quiet", "/partners/", "partner:quiet", STATIC_PARTNER),
        ("top_offers", "/", "anonymous", STATIC_SITE),
        ("top_campaigns", "/admin/affiliates/partner/overview/", "staff", STATIC_ADMIN),
        ("admin_clicks", "/admin/tracking/click/", "staff", STATIC_ADMIN),
        ("admin_postback_logs", "/admin/tracking/postbacklog/", "staff", STATIC_ADMIN),
    ]


def _client_for(who: str, counts: dict):
    """A client logged in as `who` on the active dataset."""
    from django.test import Client

    from accounts.models import User
    from affiliates.models import Partner

    client = Client()
    kind, _, ident = who.partition(":")
    if ident == "quiet":
        ident = counts["users" if kind == "user" else "partners"]
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


class Contender:
    """One URL as one visitor on one dataset, with its timings."""

    def __init__(self, label: str, dataset, counts: dict, url: str, who: str):
        self.label, self.dataset, self.url = label, dataset, url
        dataset.activate()
        self.client = _client_for(who, counts)
        self.timings: list[float] = []
        self.queries: list[dict] = []

    def get(self):
        self.dataset.activate()
        started = time.perf_counter()
        response = self.client.get(self.url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (self.label, self.url, response.status_code)
        return elapsed

    def capture(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.dataset.activate()
        # A request first: the per-process row caches (footer pages, newsletter lists)
        # reload at most once a minute, and that reload must land in this request, not
        # in the counted one (busy and quiet would differ by its queries, not the data).
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as captured:
            self.client.get(self.url)
        self.queries = captured.captured_queries

    def p(self, share: float) -> float:
        return statistics.quantiles(self.timings, n=100, method="inclusive")[int(share * 100) - 1]


def _race(contenders: list[Contender], runs: int) -> None:
    """Alternate request by request, rotating who goes first."""
    for contender in contenders:
        for _ in range(3):  # warm: template loaders, connections, caches
            contender.get()
    for i in range(runs):
        for k in range(len(contenders)):
            contender = contenders[(i + k) % len(contenders)]
            contender.timings.append(contender.get())
    for contender in contenders:
        contender.capture()


def _explain(contender: Contender) -> str:
    from django.db import connection

    if not contender.queries:
        return "    no queries: served from the process's caches"
    slowest = max(contender.queries, key=lambda q: float(q["time"]))
    contender.dataset.activate()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + slowest["sql"])
        plan = "\n".join("      " + row[0] for row in cursor.fetchall())
    return (
        f"    slowest query on {contender.dataset.name} ({float(slowest['time']) * 1000:.1f} ms):\n"
        f"      {slowest['sql'][:300]}\n{plan}"
    )


def _small_dataset(args, full_scale: float, config: dict) -> tuple[str, bool]:
    """The 1/100 dataset: built if missing (returns whether it was built here)."""
    from . import datagen

    name = args.small_database or f"{args.database or config['NAME'] + '_bench_data'}_small"
    wanted = full_scale * SMALL_SHARE
    have = datagen.built_scale(name, config)
    if have is None:
        datagen.ensure(wanted, config, database=name)
        return name, True
    if have != wanted:
        print(f"note: {name} is at scale {have}, not {wanted} (1/100 of the full dataset)")
    return name, False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboards", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="of the datagen dataset")
    parser.add_argument("--database", help="an existing datagen database to use")
    parser.add_argument(
        "--small-database",
        help="the same at 1/100 scale (default <database>_small; built if missing)",
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN output")
    parser.add_argument("--drop", action="store_true", help="drop both datasets afterwards")
    args = parser.parse_args(argv)
    use_production_settings()
    # The static twins live in bench/urls.py.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
    config = pg_settings()

    from . import datagen

    database = args.database or datagen.ensure(args.scale, config)
    full_scale = datagen.built_scale(database, config) or args.scale
    small_database, _built = _small_dataset(args, full_scale, config)
    small_scale = datagen.built_scale(small_database, config)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from .switch import Dataset

    # Production serves hashed static files from a manifest, as `make up` prepares them.
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()
    connection.close()
    full, small = Dataset(database), Dataset(small_database)
    full_counts, small_counts = datagen.counts(full_scale), datagen.counts(small_scale)
    print(
        f"datasets {database} (scale {full_scale}) and {small_database} (scale {small_scale}), "
        f"{args.runs} runs per page and contender, alternating"
    )

    results, failed = {}, False
    for figure, url, who, static_url in _pages(full_counts):
        contenders = [
            Contender("full", full, full_counts, url, who),
            Contender("small", small, small_counts, url, who),
            Contender("static", full, full_counts, static_url, who),
        ]
        _race(contenders, args.runs)
        print(f"{figure} {url}")
        for contender in contenders:
            print(
                f"    {contender.label:6} p50 {contender.p(0.50):6.1f} ms  "
                f"p95 {contender.p(0.95):6.1f} ms  {len(contender.queries):3} queries"
            )
        results[figure] = {c.label: c for c in contenders}
        if not args.no_plans:
            print(_explain(contenders[0]))
    for busy, quiet in (
        ("shopper_dashboard_busy", "shopper_dashboard_quiet"),
        ("partner_dashboard_busy", "partner_dashboard_quiet"),
    ):
        # On the full dataset only: at smoke scale the quiet account may have no rows at
        # all, and Django skips a lookup of no ids (in_bulk of nothing).
        counts = {f: len(results[f]["full"].queries) for f in (busy, quiet)}
        if counts[busy] != counts[quiet]:
            failed = True
            print(f"query count depends on the data: {counts}")
    for figure, by in results.items():
        full_p95, small_p95, static_p95 = (by[k].p(0.95) for k in ("full", "small", "static"))
        full_p50, small_p50, static_p50 = (by[k].p(0.50) for k in ("full", "small", "static"))
        # The medians' ratios too: on a shared machine a p95 of a few dozen runs is a
        # handful of samples, and says as much about the neighbours as about the page.
        print(
            f"info dashboards {figure} p95 ms: full {full_p95:.1f}, small {small_p95:.1f}, "
            f"static {static_p95:.1f}; p50 ratios: scale {full_p50 / small_p50:.2f}, "
            f"static {full_p50 / static_p50:.2f}"
        )
    for figure, by in results.items():
        full_p95, small_p95, static_p95 = (by[k].p(0.95) for k in ("full", "small", "static"))
        print(
            bench_line(
                "dashboards", f"{figure}_scale_ratio", full_p95 / small_p95, "<=", SCALE_TARGET
            )
        )
        print(
            bench_line(
                "dashboards", f"{figure}_static_ratio", full_p95 / static_p95, "<=", STATIC_TARGET
            )
        )
    full.close()
    small.close()
    if args.drop:
        drop(config, database)
        drop(config, small_database)
    return 1 if failed else 0
