"""redirects404: a 404 with 10,000 redirect rules against a 404 with none, in the same run.

Two databases, both migrated: one with `--rules` active rules (a realistic mix: 70%
exact, 10% prefix, 20% regex, the regexes spread over 400 literal leads with a few
having none, so they are tried on every path), one with no rule. Each keeps its own
connection, cache keys (bench/switch.py) and compiled-rules cache, as two separate
deployments would. Through Django's test client with production settings (debug off,
Redis cache, manifest static files), GETs of unknown paths that no rule matches but
that fall in the regex buckets (`/promo-<n>/x<i>/`: the bucket's regexes are tried and
fail) go through the full middleware stack, alternating one by one between the two;
each 404 is counted in its database's 404 log, as in production.

BENCH redirects404 p99_ratio = p99 with the rules ÷ p99 without, target ≤ 1.1 (the
matcher is dictionaries and buckets: its cost must not grow with the rules). The p99 of
a request a regex rule answers (301) is printed as information, and so are the two 404s
that find the compiled rules dropped, which the timed run (well under the row cache's
MAX_ROW_AGE of 60 s) would contain at most once, and hide in its p99 at 3,000 requests:
the periodic refresh with nothing changed (the clock moved past MAX_ROW_AGE: one
fingerprint query, the matcher kept) and a 404 after a rule change (a full compile). Exit 1 if any answer is
wrong or the two make different numbers of queries.
"""

import argparse
import logging
import statistics
import time

from .db import bench_line, drop, pg_settings, recreate, use_database, use_production_settings

TARGET = 1.1
LEADS = 400  # distinct literal leads of the regex rules


def _mix(count: int) -> tuple[int, int, int, int]:
    """exact, prefix, regex with a literal lead, regex without one (tried on every path)."""
    exact, prefix = int(count * 0.7), int(count * 0.1)
    regex = count - exact - prefix
    anywhere = min(regex, max(1, regex // 40))
    return exact, prefix, regex - anywhere, anywhere


def _rules(count: int):
    from cms.models import RedirectRule

    exact, prefix, led, anywhere = _mix(count)
    sections = ("deals", "coupons", "stores", "blog", "news", "offers", "help")
    for i in range(exact):
        yield RedirectRule(
            match="exact",
            source=f"/old/{sections[i % len(sections)]}/item-{i}/",
            target=f"/store/store-{i % 997}/",
        )
    for i in range(prefix):
        yield RedirectRule(match="prefix", source=f"/legacy-{i}/", target=f"/category/c-{i % 101}/")
    for i in range(led):
        yield RedirectRule(
            match="regex",
            source=rf"^/promo-{i % LEADS}/(\d+)/v{i}/$",
            target=f"/offer/$1/?v={i}",
            priority=i % 7,
        )
    for i in range(anywhere):
        yield RedirectRule(
            match="regex", source=rf"(?i)^/(?:amp|m)/campaign-{i}/(\w+)/$", target="/store/$1/"
        )


def _build(name: str, config: dict, rules: int, template: str | None = None) -> None:
    from django.core.management import call_command
    from django.db import connection

    from cms.models import RedirectRule

    recreate(config, name, template)
    use_database(name)
    if template is None:
        call_command("migrate", verbosity=0)
    # Written in bulk, not through redirect_save: this measures serving, not validating.
    RedirectRule.objects.bulk_create(_rules(rules), batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def _p99(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100, method="inclusive")[98]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench redirects404", description=__doc__)
    parser.add_argument("--rules", type=int, default=10_000, help="Rules in the full database.")
    parser.add_argument("--requests", type=int, default=3000, help="404s per contender.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases.")
    args = parser.parse_args(argv)
    config = pg_settings()
    names = {"rules": f"{config['NAME']}_bench_redirects", "none": f"{config['NAME']}_bench_none"}
    use_production_settings()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.services import redirect_rules
    from config import row_cache
    from config.row_cache import RowCache

    from .switch import Dataset

    # Each 404 logs "Not Found" at WARNING; the same for both contenders, and at 6,000
    # requests it would bury the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    started = time.perf_counter()
    _build(names["none"], config, 0)
    _build(names["rules"], config, args.rules, template=names["none"])
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"dataset: {args.rules} rules and 0 rules in {time.perf_counter() - started:.1f}s")

    contenders = {}
    for label, name in names.items():
        dataset = Dataset(name)
        # Each deployment's own compiled rules, swapped in with its connection and cache.
        rules = RowCache(f"redirect-rules-{label}", redirect_rules._load, depends_on=())
        contenders[label] = (dataset, rules)

    def activate(label):
        dataset, rules = contenders[label]
        dataset.activate()
        redirect_rules.compiled_rules = rules

    client = Client()
    failures = []

    def get(path, expected_status, expected_location=None):
        response = client.get(path)
        if response.status_code != expected_status or (
            expected_location and response.get("Location") != expected_location
        ):
            failures.append((path, response.status_code, response.get("Location")))

    for label in contenders:  # warm: the compiled rules, the templates
        activate(label)
        for i in range(5):
            get(f"/promo-{i}/warm/", 404)
    timings = {label: [] for label in contenders}
    for i in range(args.requests):
        order = list(contenders) if i % 2 == 0 else list(reversed(contenders))
        path = f"/promo-{i % LEADS}/x{i}/"
        for label in order:
            activate(label)
            began = time.perf_counter()
            get(path, 404)
            timings[label].append((time.perf_counter() - began) * 1000)
    activate("rules")
    matched = []
    led = _mix(args.rules)[2]
    for i in range(min(args.requests, 1000) if led else 0):
        lead = i % min(LEADS, led)
        began = time.perf_counter()
        get(f"/promo-{lead}/{i}/v{lead}/", 301, f"/offer/{i}/?v={lead}")
        matched.append((time.perf_counter() - began) * 1000)
    refreshes = {"periodic": [], "change": []}
    base_clock = row_cache.clock
    moved = [0.0]
    row_cache.clock = lambda: base_clock() + moved[0]
    rules_cache = contenders["rules"][1]
    for i in range(5):
        for kind, timings_of_kind in refreshes.items():
            if kind == "periodic":
                moved[0] += row_cache.MAX_ROW_AGE + 1
            else:
                rules_cache.forget()
            began = time.perf_counter()
            get(f"/promo-{i}/refresh-{kind}/", 404)
            timings_of_kind.append((time.perf_counter() - began) * 1000)
    row_cache.clock = base_clock
    queries = {}
    for label in contenders:
        activate(label)
        # The run outlasts MAX_ROW_AGE: a first 404 takes this contender's periodic
        # refresh (its fingerprint query), so that a warm one is counted.
        get("/promo-3/warm-again/", 404)
        with CaptureQueriesContext(connection) as captured:
            get("/promo-3/counted/", 404)
        queries[label] = len(captured)

    for label in contenders:
        count = args.rules if label == "rules" else 0
        print(
            f"404 with {count:>6} rules: p50 {statistics.median(timings[label]):6.2f} ms  "
            f"p99 {_p99(timings[label]):6.2f} ms  {queries[label]} queries"
        )
    print(
        f"301 by a regex rule ({args.rules} rules): p50 {statistics.median(matched):6.2f} ms  "
        f"p99 {_p99(matched) if matched else 0:6.2f} ms (information)"
    )
    for kind, label in (
        ("periodic", "periodic refresh (nothing changed)"),
        ("change", "first 404 after a rule change"),
    ):
        print(
            f"{label} ({args.rules} rules): "
            f"median {statistics.median(refreshes[kind]):6.2f} ms  "
            f"max {max(refreshes[kind]):6.2f} ms (information)"
        )
    ratio = _p99(timings["rules"]) / _p99(timings["none"])
    print(f"404 p99 {args.rules} rules / none: {ratio:.3f}")
    for dataset, _ in contenders.values():
        dataset.close()
    if not args.keep:
        for name in names.values():
            drop(config, name)
    print(bench_line("redirects404", "p99_ratio", ratio, "<=", TARGET))
    if failures:
        print(f"wrong answers: {failures[:5]} ({len(failures)} in all)")
        return 1
    if queries["rules"] != queries["none"]:
        print(f"query count differs: {queries}")
        return 1
    return 0
