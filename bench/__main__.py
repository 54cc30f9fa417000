"""python -m bench <name> [options]: run one benchmark (PostgreSQL, DATABASE_URL)."""

import os
import sys

BENCHMARKS = {
    "datagen": "bench.datagen",
    "dashboards": "bench.dashboards",
    "confirm": "bench.confirm",
    "redirect": "bench.redirect",
    "postback": "bench.postback",
    "leaderboard": "bench.leaderboard",
    "notifications": "bench.notifications",
    "redirects404": "bench.redirects_404",
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print(f"usage: python -m bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from importlib import import_module

    return import_module(BENCHMARKS[sys.argv[1]]).main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
