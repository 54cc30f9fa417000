"""notifications: the notifications page, with the header's unread count, for a shopper
with 100,000 notifications against one with 10, in the same run.

Builds the rows with one INSERT … SELECT generate_series (half of the busy shopper's
unread, the counter set to match, as notify() leaves it), then GETs /notifications/ as
each shopper through Django's test client with production settings, the requests
alternating one by one; p95 busy ÷ p95 quiet, target ≤ 1.2 (the page walks the list
index and reads the counter by primary key: its cost must not grow with the rows), and
the query count of each (must be equal, exit 1 otherwise).
"""

import argparse
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

TARGET = 1.2

ROWS = """
INSERT INTO support_notification (user_id, category, key, title, body, url, in_app, read_at,
                                  created_at)
SELECT %(user)s, 'cashback', 'bench:' || k, 'Cashback confirmed: USD ' || (k %% 50) || '.00',
       'Your cashback is now available to withdraw.', '/wallet/statement/', true,
       CASE WHEN k %% 2 = 0 THEN %(now)s END, %(now)s - make_interval(secs => %(count)s - k)
FROM generate_series(1::bigint, %(count)s) AS k
"""


def _build(busy: int, quiet: int):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    now = timezone.now()
    copy_bench_users(2, now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), 2)")
        for user, count in ((1, busy), (2, quiet)):
            cursor.execute(ROWS, {"user": user, "count": count, "now": now})
            cursor.execute(
                "INSERT INTO support_notificationinbox (user_id, unread) VALUES (%s, %s)",
                [user, count - count // 2],
            )
        cursor.execute("ANALYZE")


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100, method="inclusive")[94]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench notifications", description=__doc__)
    parser.add_argument("--busy", type=int, default=100_000, help="The busy shopper's rows.")
    parser.add_argument("--quiet", type=int, default=10, help="The quiet shopper's rows.")
    parser.add_argument("--requests", type=int, default=300, help="Page loads per shopper.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    args = parser.parse_args(argv)
    config = pg_settings()
    name = f"{config['NAME']}_bench_notifications"
    use_production_settings()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    started = time.perf_counter()
    recreate(config, name)
    use_database(name)
    _build(args.busy, args.quiet)
    # Production serves hashed static files from a manifest, as `make up` prepares them.
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"dataset: {args.busy} and {args.quiet} notifications "
        f"in {time.perf_counter() - started:.1f}s"
    )
    clients = {}
    for label, pk in (("busy", 1), ("quiet", 2)):
        clients[label] = Client()
        clients[label].force_login(User.objects.get(pk=pk))
    expected_unread = {"busy": args.busy - args.busy // 2, "quiet": args.quiet - args.quiet // 2}
    for client in clients.values():  # warm
        for _ in range(3):
            assert client.get("/notifications/").status_code == 200
    timings = {label: [] for label in clients}
    for i in range(args.requests):
        order = list(clients.items()) if i % 2 == 0 else list(reversed(clients.items()))
        for label, client in order:
            started = time.perf_counter()
            response = client.get("/notifications/")
            timings[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    queries = {}
    for label, client in clients.items():
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/notifications/").content.decode()
        queries[label] = len(captured)
        assert f'data-test="unread-count">{expected_unread[label]}<' in page, label
        assert page.count('data-test="notification"') == min(20, getattr(args, label))
    for label in clients:
        print(
            f"page {label:5} ({getattr(args, label):>7} notifications): "
            f"p50 {statistics.median(timings[label]):6.2f} ms  p95 {_p95(timings[label]):6.2f} ms  "
            f"{queries[label]} queries"
        )
    ratio = _p95(timings["busy"]) / _p95(timings["quiet"])
    print(f"page p95 {args.busy} / {args.quiet}: {ratio:.2f}")
    connection.close()
    if not args.keep:
        drop(config, name)
    print(bench_line("notifications", "page_p95_ratio", ratio, "<=", TARGET))
    if queries["busy"] != queries["quiet"]:
        print(f"query count grows with notifications: {queries}")
        return 1
    return 0
