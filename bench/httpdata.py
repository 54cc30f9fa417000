"""What the redirect and postback benchmarks share: options, data, server, measuring.

Data. By default a small dataset in a fresh database `<base>_bench_http`: migrated, then
networks, stores, offers, shoppers, campaigns with a default goal, approved partners and
their links through the ORM, and N store clicks and N partner-link clicks (an hour old)
with COPY, so that every postback names a real click. Tokens follow the datagen
conventions: a network's postback token is `bench-net-<network slug>`, a campaign's
conversion token `bench-conv-<campaign slug>`. With `--database NAME` the same rows are
picked from an existing (datagen, full-scale) database instead, by query.

Logged-in shoppers: a session is created directly in the session store for each of a
few shoppers, and its cookie sent with /out/ (the server checks it like any browser's).

Measuring. One gunicorn serves every contender of a run; contenders alternate for
`--repeat` rounds and each keeps its best round (by req/s), as in `confirm`, so that a
busy moment of the machine does not decide. Any unexpected response fails the run.
"""

import argparse
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from . import http_load
from .db import admin_connection, copy_rows, drop, pg_settings, recreate, use_database
from .server import Server, cpu_seconds, machine_cpu, production_env, redis_url, serving

SHOPPER_SESSIONS = 64
DEFAULTS = {"clicks": 200_000, "seconds": 20.0, "warmup": 2.0, "repeat": 2}
SMOKE = {"clicks": 2_000, "seconds": 2.0, "warmup": 0.5, "repeat": 1}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seconds", type=float, help=f"Measured time per contender ({DEFAULTS['seconds']:g})."
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help=f"Unmeasured time before each ({DEFAULTS['warmup']:g}).",
    )
    parser.add_argument(
        "--repeat", type=int, help=f"Rounds; each contender keeps its best ({DEFAULTS['repeat']})."
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="Requests in flight (connections)."
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="Load generator processes (2: one per core)."
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="sync", help="gunicorn workers."
    )
    parser.add_argument("--threads", type=int, default=4, help="Threads per gthread worker.")
    parser.add_argument(
        "--database",
        help="Run against this existing database (e.g. datagen's) instead of a small new one.",
    )
    parser.add_argument(
        "--clicks",
        type=int,
        help=f"Clicks of each kind to build or to pick from --database ({DEFAULTS['clicks']:,}).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database it created.")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="Tiny and quick (CI): "
        + ", ".join(
            f"--{k} {v:g}" if isinstance(v, float) else f"--{k} {v}" for k, v in SMOKE.items()
        ),
    )


def resolve(args: argparse.Namespace) -> argparse.Namespace:
    preset = SMOKE if args.smoke else DEFAULTS
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


@dataclass
class Dataset:
    offers: list[str]  # offer ids for /out/
    links: list[str]  # link slugs for /go/
    cookies: list[str]  # "sessionid=…" of logged-in shoppers
    # Aligned lists (cycled with the same index): a click and what names its sender.
    network_clicks: dict[str, list[str]] = field(default_factory=dict)  # network, token, click
    conversion_clicks: dict[str, list[str]] = field(default_factory=dict)  # token, click
    session_keys: list[str] = field(default_factory=list)


def network_token(slug: str) -> str:
    return f"bench-net-{slug}"


def conversion_token(slug: str) -> str:
    return f"bench-conv-{slug}"


# --- a small dataset --------------------------------------------------------------------


def build_small(clicks: int) -> None:
    """Migrate, then a small catalogue and partner network, and `clicks` clicks of each kind."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from affiliates.models import Link, Partner
    from campaigns.models import Campaign, Goal
    from config.tokens import hash_token
    from offers.models import Merchant, Network, Offer

    call_command("migrate", verbosity=0)
    scale = max(1, min(20, clicks // 10_000))  # 20 stores and 1,000 offers at 200k clicks
    now = timezone.now()
    networks = [
        Network.objects.create(
            name=f"Bench network {n}",
            slug=f"bench-{n}",
            postback_token_hash=hash_token(network_token(f"bench-{n}")),
            postback_token_hint=network_token(f"bench-{n}")[-4:],
        )
        for n in (1, 2)
    ]
    merchants = Merchant.objects.bulk_create(
        Merchant(
            name=f"Bench store {m}",
            slug=f"bench-store-{m}",
            network=networks[m % 2],
            tracking_url="https://track.example.com/c?sub={click_id}&u={user_id}&m={merchant}",
            cashback_type="percentage",
            cashback_value=Decimal("5"),
            confirmation_days=30,
        )
        for m in range(scale)
    )
    offers = Offer.objects.bulk_create(
        Offer(
            merchant=merchants[o % len(merchants)],
            title=f"Bench offer {o}",
            status=Offer.Status.ACTIVE,
            cashback_type="percentage",
            cashback_value=Decimal("7.5"),
        )
        for o in range(50 * scale)
    )
    shoppers = User.objects.bulk_create(
        User(
            email=f"bench-shopper-{u}@example.com",
            password="!",  # noqa: S106 (unusable: nobody logs in with it)
            status=User.Status.ACTIVE,
            email_verified_at=now,
        )
        for u in range(max(SHOPPER_SESSIONS, 50 * scale))
    )
    partner_users = User.objects.bulk_create(
        User(
            email=f"bench-partner-{p}@example.com",
            password="!",  # noqa: S106 (unusable: nobody logs in with it)
            status=User.Status.ACTIVE,
            email_verified_at=now,
        )
        for p in range(5 * scale)
    )
    partners = Partner.objects.bulk_create(
        Partner(
            user=user, name=f"Bench partner {p}", status=Partner.Status.APPROVED, approved_at=now
        )
        for p, user in enumerate(partner_users)
    )
    campaigns = [
        Campaign.objects.create(
            name=f"Bench campaign {c}",
            slug=f"bench-campaign-{c}",
            status=Campaign.Status.ACTIVE,
            default_destination_url="https://example.com/landing",
            fallback_url="https://example.com/",
            allowed_domains="example.com",
            postback_token_hash=hash_token(conversion_token(f"bench-campaign-{c}")),
            postback_token_hint=conversion_token(f"bench-campaign-{c}")[-4:],
        )
        for c in range(4)
    ]
    for campaign in campaigns:
        Goal.objects.create(
            campaign=campaign,
            name="Sale",
            commission_type=Goal.CommissionType.FIXED,
            commission_value=Decimal("10"),
            is_default=True,
        )
    links = Link.objects.bulk_create(
        Link(
            partner=partners[k % len(partners)],
            campaign=campaigns[k % len(campaigns)],
            name=f"Bench link {k}",
            slug=f"bench-link-{k}",
            destination_url="https://example.com/landing?click={click_id}&s1={sub1}",
        )
        for k in range(25 * scale)
    )
    clicked = now - timedelta(hours=1)
    agent = http_load.USER_AGENT
    copy_rows(
        "tracking_click",
        [
            "click_id",
            "user_id",
            "offer_id",
            "merchant_id",
            "cashback_type",
            "cashback_value",
            "cashback_uncapped",
            "ip",
            "user_agent",
            "device_type",
            "referrer",
            "country",
            "created_at",
            "cashback_share",
            "rates",
        ],
        (
            (
                uuid.uuid4(),
                shoppers[k % len(shoppers)].pk,
                offer.pk,
                offer.merchant_id,
                "percentage",
                Decimal("7.5"),
                False,
                "198.51.100.7",
                agent,
                "desktop",
                "",
                "",
                clicked,
                Decimal(50),  # the store's share (the model default)
                "[]",  # no category rates snapshotted
            )
            for k in range(clicks)
            for offer in (offers[k % len(offers)],)
        ),
    )
    copy_rows(
        "tracking_affiliateclick",
        [
            "click_id",
            "link_id",
            "partner_id",
            "campaign_id",
            "sub1",
            "sub2",
            "sub3",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "ip",
            "user_agent",
            "device_type",
            "referrer",
            "country",
            "is_unique",
            "is_bot",
            "created_at",
        ],
        (
            (
                uuid.uuid4(),
                link.pk,
                link.partner_id,
                link.campaign_id,
                f"s{k % 97}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "203.0.113.9",
                agent,
                "desktop",
                "",
                "",
                True,
                False,
                clicked,
            )
            for k in range(clicks)
            for link in (links[k % len(links)],)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- picking rows (either database) -----------------------------------------------------


def pick(clicks: int, *, network: bool, conversion: bool, redirect: bool) -> Dataset:
    """Rows the requests will name, chosen so that each request must succeed."""
    data = Dataset([], [], [])
    if redirect:
        data.offers, data.links = _live_offers(), _live_links()
        data.session_keys = _shopper_sessions()
        from django.conf import settings

        data.cookies = [f"{settings.SESSION_COOKIE_NAME}={key}" for key in data.session_keys]
    if network:
        data.network_clicks = _network_clicks(clicks)
    if conversion:
        data.conversion_clicks = _conversion_clicks(clicks)
    return data


def _live_offers(limit: int = 1000) -> list[str]:
    from django.db.models import Q

    from offers.models import Offer

    ids = list(
        Offer.objects.live()
        .filter(Q(allowed_devices=[]) | Q(allowed_devices__contains=["desktop"]))
        .order_by("?")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        raise SystemExit("No live offer to click out to.")
    return [str(pk) for pk in ids]


def _live_links(limit: int = 1000) -> list[str]:
    from affiliates.models import Link, Partner
    from campaigns.models import Campaign

    slugs = list(
        Link.objects.filter(
            status=Link.Status.ACTIVE,
            campaign__status=Campaign.Status.ACTIVE,
            partner__status=Partner.Status.APPROVED,
        )
        .order_by("?")
        .values_list("slug", flat=True)[:limit]
    )
    if not slugs:
        raise SystemExit("No live partner link to follow.")
    return slugs


def _shopper_sessions() -> list[str]:
    """Log shoppers in the way login() does, straight into the session store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    users = User.objects.filter(
        is_staff=False, status=User.Status.ACTIVE, deleted_at__isnull=True
    ).order_by("pk")[:SHOPPER_SESSIONS]
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for user in users:
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    if not keys:
        raise SystemExit("No active shopper to log in.")
    return keys


def _forget_sessions(keys: list[str]) -> None:
    from importlib import import_module

    from django.conf import settings

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store_class(session_key=key).delete()


def _network_clicks(limit: int) -> dict[str, list[str]]:
    """Logged-in shoppers' clicks to stores of networks whose token we know."""
    from django.db import connection

    from offers.models import Network

    known = [
        n.slug
        for n in Network.objects.filter(ip_allowlist="").only("slug", "postback_token_hash")
        if n.token_matches(network_token(n.slug))
    ]
    if not known:
        raise SystemExit("No network's postback token is bench-net-<slug>.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.slug, c.click_id FROM tracking_click c "
            "JOIN offers_merchant m ON m.id = c.merchant_id "
            "JOIN offers_network n ON n.id = m.network_id "
            "WHERE c.user_id IS NOT NULL AND n.slug = ANY(%s) "
            "AND c.created_at > now() - interval '60 days' LIMIT %s",
            [known, limit],
        )
        rows = cursor.fetchall()
    if len(rows) < min(limit, 1000):
        raise SystemExit(f"Only {len(rows)} recent clicks of logged-in shoppers to post back.")
    return {
        "network": [slug for slug, _ in rows],
        "token": [network_token(slug) for slug, _ in rows],
        "click": [str(click) for _, click in rows],
    }


def _conversion_clicks(limit: int) -> dict[str, list[str]]:
    """Partner-link clicks within their campaign's attribution window, of campaigns whose
    token we know, that have a default goal and no cap that would refuse a conversion."""
    from django.db import connection

    from campaigns.models import Campaign, Goal

    campaigns = {
        c.pk: c
        for c in Campaign.objects.filter(
            goals__is_default=True, goals__status=Goal.Status.ACTIVE
        ).distinct()
        if (not c.has_caps or c.over_cap == Campaign.OverCap.HOLD)
        and c.postback_token_hash
        and _hash_matches(conversion_token(c.slug), c.postback_token_hash)
    }
    if not campaigns:
        raise SystemExit(
            "No campaign's conversion token is bench-conv-<slug> (with a default goal)."
        )
    window = max(c.attribution_window_days for c in campaigns.values())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ac.campaign_id, ac.click_id FROM tracking_affiliateclick ac "
            "JOIN campaigns_campaign cp ON cp.id = ac.campaign_id "
            "WHERE ac.campaign_id = ANY(%s) AND ac.created_at > now() - make_interval(days => %s) "
            "AND ac.created_at > now() - make_interval(days => cp.attribution_window_days) "
            "+ interval '1 hour' LIMIT %s",
            [list(campaigns), window, limit],
        )
        rows = cursor.fetchall()
    if len(rows) < min(limit, 1000):
        raise SystemExit(f"Only {len(rows)} partner-link clicks inside an attribution window.")
    return {
        "token": [conversion_token(campaigns[pk].slug) for pk, _ in rows],
        "click": [str(click) for _, click in rows],
    }


def _hash_matches(token: str, digest: str) -> bool:
    from config.tokens import token_matches

    return token_matches(token, digest)


# --- a benchmark run --------------------------------------------------------------------


@dataclass
class Bench:
    name: str
    args: argparse.Namespace
    server: Server
    data: Dataset
    config: dict
    database: str
    tag: str  # makes this run's transaction ids unique
    errors: int = 0
    succeeded: Counter = field(default_factory=Counter)  # expected responses, every round

    def measure(self, loads: list[http_load.Load], *, repeat: int | None = None):
        """Alternate the loads for `repeat` rounds; each keeps its best (by req/s)."""
        best: dict[str, http_load.Result] = {}
        rounds = self.args.repeat if repeat is None else repeat
        for round_ in range(rounds):
            for load in loads:
                result = self.run(load, tag=f"{self.tag}r{round_}-")
                print(f"  round {round_ + 1}  {result.summary()}", flush=True)
                if load.name not in best or result.rps > best[load.name].rps:
                    best[load.name] = result
        return best

    def _backends(self) -> list[int]:
        with admin_connection(self.config) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return [pid for (pid,) in rows]

    def run(self, load: http_load.Load, *, tag: str) -> http_load.Result:
        """One contender; with the CPU the app's workers and their database backends used
        (backends that came and went between the two readings are missed)."""
        app_before = cpu_seconds(self.server.workers())
        db_before = cpu_seconds(self._backends())
        busy_before, total_before = machine_cpu()
        result = http_load.run(
            load,
            port=self.server.port,
            seconds=self.args.seconds,
            warmup=self.args.warmup,
            concurrency=self.args.concurrency,
            processes=self.args.processes,
            tag=f"{tag}{load.name[:3]}-",
        )
        busy_after, total_after = machine_cpu()
        app_after = cpu_seconds(self.server.workers())
        db_after = cpu_seconds(self._backends())
        result.app_cpu = sum(t - app_before.get(pid, 0.0) for pid, t in app_after.items())
        result.db_cpu = sum(t - db_before.get(pid, 0.0) for pid, t in db_after.items())
        result.machine_busy = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
        self.succeeded[load.name] += result.succeeded
        if result.error_count:
            self.errors += result.error_count
            self.server.keep_log = True
            for sample in result.samples:
                print(f"    error: {sample!r}", file=sys.stderr)
        return result


def print_table(best: dict[str, http_load.Result]) -> None:
    print(f"{'best of each':22} {'req/s':>8}        {'p50':>9}     {'p99':>9}")
    for result in best.values():
        print(
            f"{result.name:22} {result.rps:8.0f}        {result.percentile(50) * 1000:6.2f} ms"
            f"  {result.percentile(99) * 1000:6.2f} ms"
        )


@contextmanager
def http_bench(args: argparse.Namespace, name: str, **wanted) -> Iterator[Bench]:
    """Database (built or given), shopper sessions, gunicorn; everything undone after."""
    config = pg_settings()
    database = args.database or f"{config['NAME']}_bench_http"
    redis = redis_url()
    # This process writes sessions the server must read: same secret key, same cache.
    os.environ.update(production_env(database, redis))

    import django

    started = time.perf_counter()
    if not args.database:
        recreate(config, database)
    django.setup()
    from django.core.cache import cache
    from django.db import connection

    use_database(database)
    data = None
    try:
        cache.clear()  # the benchmark's own Redis database: sessions and /go/ visitors
        if not args.database:
            build_small(args.clicks)
        data = pick(args.clicks, **wanted)
        counts = {
            "offers": len(data.offers),
            "links": len(data.links),
            "logged-in shoppers": len(data.cookies),
            "store clicks": len(data.network_clicks.get("click", [])),
            "partner clicks": len(data.conversion_clicks.get("click", [])),
        }
        print(
            f"{name}: {'database ' + database if args.database else 'a new small dataset'}: "
            + ", ".join(f"{n:,} {what}" for what, n in counts.items() if n)
            + f" to use ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )
        connection.close()
        with serving(
            database=database,
            redis=redis,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
        ) as server:
            print(
                f"{server.description}; load: {args.concurrency} connections from "
                f"{args.processes} processes; {args.seconds:g}s per contender after "
                f"{args.warmup:g}s warm-up, best of {args.repeat}",
                flush=True,
            )
            yield Bench(name, args, server, data, config, database, tag=f"b{int(time.time()):x}-")
    finally:
        if data is not None and args.database:
            _forget_sessions(data.session_keys)
        cache.clear()
        connection.close()
        if not args.database and not args.keep:
            drop(config, database)
