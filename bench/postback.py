"""postback: network and conversion postbacks with unique transactions, against a bare 302.

gunicorn serves the app in its production shape (bench/server.py); a load generator on
127.0.0.1 (bench/http_load.py) drives, alternately, for the same time each:
  bare:        /bench/bare/ with the network postback's query string: the same server and
               middleware, no database
  network:     /postback/<network>/?token=…&click_id=…&txn_id=<unique>&sale_amount=…
               &commission=…: authenticate, read the click, record the cashback event and
               its pending ledger posting, keep the postback log; 200 "duplicate": false
  conversion:  /postback/conversion/?token=…&click_id=…&txn_id=<unique>&amount=…: find the
               campaign by token, read the click, record the conversion (default goal)
               and bump its link, keep the log; 200 "duplicate": false
and prints req/s, p50 and p99 of each and the ratios network ÷ bare and conversion ÷ bare,
and the statements one request of each path sends (new and duplicate).
Then, once each, a duplicate storm: every request repeats one transaction (the same
txn_id and click), all answered 200 "duplicate": true without writing anything but the
log; reported as information (req/s and ratio to bare), with no target.

Afterwards it checks that every 200 made exactly one cashback event or conversion, and
on its own small dataset that the ledger passes wallet_audit.
"""

import argparse
import http.client
import json

from . import httpdata
from .db import bench_line
from .http_load import Load

TARGET_RATIO = 0.2
NETWORK_QUERY = "token={token}&click_id={click}&txn_id={seq}&sale_amount=120.00&commission=12.00"
CONVERSION_QUERY = "token={token}&click_id={click}&txn_id={seq}&amount=80.00"
FRESH, REPEATED = b'"duplicate": false', b'"duplicate": true'


def _first(values: dict[str, list[str]]) -> dict[str, str]:
    return {name: column[0] for name, column in values.items()}


def _prime(port: int, path: str) -> None:
    """Send a storm's transaction once, so that every request of the storm repeats it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"User-Agent": "bench"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200 or json.loads(body).get("duplicate") is not False:
        raise RuntimeError(f"{path} answered {response.status}: {body[:300]!r}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench postback", description=__doc__)
    httpdata.add_arguments(parser)
    args = httpdata.resolve(parser.parse_args(argv))
    with httpdata.http_bench(
        args, "postback", redirect=False, network=True, conversion=True
    ) as bench:
        net, conv = bench.data.network_clicks, bench.data.conversion_clicks
        loads = [
            Load(
                "bare",
                "/bench/bare/?" + NETWORK_QUERY,
                values=net,
                expect_status=302,
                expect_location="https://",
            ),
            Load(
                "network",
                "/postback/{network}/?" + NETWORK_QUERY,
                values=net,
                expect_body=FRESH,
            ),
            Load(
                "conversion",
                "/postback/conversion/?" + CONVERSION_QUERY,
                values=conv,
                expect_body=FRESH,
            ),
        ]
        best = bench.measure(loads)

        print("duplicate storms (one transaction, sent over and over):")
        storms = [
            Load(
                "network duplicates",
                "/postback/{network}/?" + NETWORK_QUERY.replace("{seq}", f"{bench.tag}storm"),
                values={k: [v] for k, v in _first(net).items()},
                expect_body=REPEATED,
            ),
            Load(
                "conversion duplicates",
                "/postback/conversion/?" + CONVERSION_QUERY.replace("{seq}", f"{bench.tag}storm"),
                values={k: [v] for k, v in _first(conv).items()},
                expect_body=REPEATED,
            ),
        ]
        for storm in storms:
            _prime(bench.server.port, storm.path.format(**_first(storm.values)))
        storm_results = bench.measure(storms, repeat=1)
        _print_statements(net, conv, prefix=f"statements-{bench.tag}")
        problems = _check(bench, best, storm_results)
        errors = bench.errors
    httpdata.print_table({**best, **storm_results})
    bare = best["bare"].rps
    for name in ("network", "conversion"):
        print(f"{name} / bare: {best[name].rps / bare:.2f}")
    for result in storm_results.values():
        print(f"{result.name} / bare: {result.rps / bare:.2f}  (information, no target)")
    for name in ("network", "conversion"):
        print(bench_line("postback", f"{name}_ratio", best[name].rps / bare, ">=", TARGET_RATIO))
    for key, result in zip(("network", "conversion"), storm_results.values(), strict=True):
        print(f"BENCH postback {key}_duplicate_rps={result.rps:.0f} info")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if errors or problems:
        print(f"{errors} unexpected responses, {len(problems)} problems: the run is not valid.")
        return 1
    return 0


def _print_statements(net, conv, *, prefix: str) -> None:
    """What one request of each path asks of the database: sent once in this process
    through Django's test client (a transaction id outside the run's, so the row checks
    below do not count it), a new transaction and then the same one again."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for name, path, values in (
        ("network", "/postback/{network}/?" + NETWORK_QUERY, net),
        ("conversion", "/postback/conversion/?" + CONVERSION_QUERY, conv),
    ):
        url = path.format(**_first(values), seq=f"{prefix}{name}")
        for what in ("new", "duplicate"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            statements = captured.captured_queries
            print(f"{name} {what}: {len(statements)} statements (HTTP {response.status_code})")
            for query in statements:
                print(f"    {query['sql'][:120]}")
    connection.close()


def _check(bench, best, storms) -> list[str]:
    """Every fresh 200 made one row; a storm made none; the ledger adds up."""
    from affiliates.models import Conversion
    from wallet.models import CashbackEvent

    problems = []
    # Each contender's rounds: sum what every round got through (not just the best).
    made = {
        "network": CashbackEvent.objects.filter(external_txn_id__startswith=bench.tag).count(),
        "conversion": Conversion.objects.filter(txn_id__startswith=bench.tag).count(),
    }
    for name, count in made.items():
        expected = bench.succeeded[name] + 1  # + the storm's one transaction
        if count != expected:
            problems.append(f"{count} {name} rows for {expected} accepted transactions")
    if not bench.args.database:
        from wallet.services.audit import wallet_audit

        problems += wallet_audit()[:5]
    return problems
