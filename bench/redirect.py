"""redirect: the click-out and /go/ hot paths against a bare Django 302, over HTTP.

gunicorn serves the app in its production shape (bench/server.py); a load generator on
127.0.0.1 (bench/http_load.py) drives, alternately, for the same time each:
  bare:  /bench/bare/: the same 302 (a new click id in a tracking URL, the same headers,
         the same middleware) without touching the database, the session or the cache
  out:   /out/<offer id>/ as a logged-in shopper (session cookie): load the session and
         the user, read the offer, record the click, 302 to the store's tracking URL
  go:    /go/<link slug>/?sub1=…: read the link, mark the visitor in the cache, record
         the click, 302 to the partner's destination
and prints req/s, p50 and p99 of each and the ratios out ÷ bare and go ÷ bare (req/s),
each against issue 12's target, and the p99 of each tracked path against its own.
"""

import argparse

from . import httpdata
from .db import bench_line
from .http_load import Load

# Issue 12's targets: req/s of each path ÷ the bare 302's, and the tail under this load.
TARGET_RATIO = {"out": 0.45, "go": 0.5}
TARGET_P99_MS = 15.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench redirect", description=__doc__)
    httpdata.add_arguments(parser)
    args = httpdata.resolve(parser.parse_args(argv))
    with httpdata.http_bench(
        args, "redirect", redirect=True, network=False, conversion=False
    ) as bench:
        data = bench.data
        loads = [
            Load("bare", "/bench/bare/", expect_status=302, expect_location="https://"),
            Load(
                "out",
                "/out/{offer}/",
                values={"offer": data.offers, "cookie": data.cookies},
                headers={"Cookie": "{cookie}"},
                expect_status=302,
                expect_location="http",  # the store's URL; a login page would be a 200
            ),
            Load(
                "go",
                "/go/{link}/?sub1=bench&utm_source=bench",
                values={"link": data.links},
                expect_status=302,
                expect_location="http",
            ),
        ]
        best = bench.measure(loads)
        errors = bench.errors
    httpdata.print_table(best)
    bare = best["bare"].rps
    for name in ("out", "go"):
        ratio = best[name].rps / bare if bare else 0.0
        print(f"{name} / bare: {ratio:.2f}")
    for name in ("out", "go"):
        ratio = best[name].rps / bare if bare else 0.0
        print(bench_line("redirect", f"{name}_ratio", ratio, ">=", TARGET_RATIO[name]))
    for name in ("out", "go"):
        p99_ms = best[name].percentile(99) * 1000
        print(bench_line("redirect", f"{name}_p99_ms", p99_ms, "<=", TARGET_P99_MS))
    if errors:
        print(f"{errors} unexpected responses (see above): the run is not valid.")
        return 1
    return 0
