"""datagen: a seed-scale dataset in its own PostgreSQL database, written with COPY.

Scale 1 (the default) is seed 001's promise: 100,000 users, 1,000 merchants, 20,000
offers, 1,000 partners (5 links each, 100 campaigns), 10,000,000 clicks over 12 months
(7M shopper click-outs and 3M partner-link clicks), 1,000,000 cashback events with their
ledger transactions, 1,000,000 conversions and 2,000,000 postback log rows. `--scale`
shrinks every count. Rows are written in time order, as production writes them, and the
rollups (offer counters, daily partner clicks) are then built by `rebuild_rollups`, the
command operators run after a restore.

Conventions other benchmarks rely on: network `net<n>` has postback token
`bench-net-net<n>`; campaign `camp<n>` has conversion token `bench-conv-camp<n>`; user 1
and partner 1 are the busiest (the skew puts the most rows on the lowest ids).
"""

import argparse
import io
import random
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from psycopg import sql

from .db import (
    admin_connection,
    copy_bench_users,
    pg_settings,
    recreate,
    reset_sequences,
    use_database,
)

FULL = {
    "users": 100_000,
    "merchants": 1_000,
    "offers": 20_000,
    "partners": 1_000,
    "campaigns": 100,
    "clicks": 7_000_000,
    "affiliate_clicks": 3_000_000,
    "events": 1_000_000,
    "conversions": 1_000_000,
}
NETWORKS = 10
LINKS_PER_PARTNER = 5
DAYS = 365
# A sale (or conversion) happens a while before the network reports it, after its click.
SALE_LAG = timedelta(minutes=30)
SUB1 = ("", "", "", "email", "social", "blog")
DEVICES = ("desktop", "desktop", "mobile", "mobile", "tablet")


def counts(scale: float) -> dict[str, int]:
    return {name: max(int(n * scale), 10) for name, n in FULL.items()}


def _skewed(rng: random.Random, n: int) -> int:
    """1..n, the lowest ids much more often (a few heavy users, a long tail)."""
    return int(n * rng.random() ** 2) + 1


def _copy(table: str, columns: list[str], lines) -> int:
    """COPY tab-separated text lines (already escaped) in chunks; returns rows written."""
    from django.db import connection

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written, chunk = 0, []
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for line in lines:
            chunk.append(line)
            if len(chunk) == 50_000:
                copy.write("".join(chunk))
                written, chunk = written + len(chunk), []
        if chunk:
            copy.write("".join(chunk))
            written += len(chunk)
    return written


class Clock:
    """Timestamps over the last DAYS days, handed out in order (ids follow time)."""

    def __init__(self, now, rows: int):
        self.start = now - timedelta(days=DAYS)
        self.step = (DAYS * 86400 - 3600) / rows  # the newest an hour old: settled

    def at(self, i: int):
        return self.start + timedelta(seconds=i * self.step)


def _users(n: int, now) -> None:
    copy_bench_users(n, now)


def _catalog(c: dict, now) -> dict:
    """Networks, categories, merchants, offers, campaigns, partners and links: small
    tables, made through the ORM so every default is the model's own."""
    from accounts.models import User
    from affiliates.models import Link, Partner
    from campaigns.models import Campaign, Goal
    from config.tokens import hash_token
    from offers.models import Category, Merchant, Network, Offer

    networks = Network.objects.bulk_create(
        Network(
            name=f"Network {n}",
            slug=f"net{n}",
            postback_token_hash=hash_token(f"bench-net-net{n}"),
            postback_token_hint=f"net{n}",
        )
        for n in range(1, NETWORKS + 1)
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Category {k}", slug=f"cat{k}", is_featured=k <= 6) for k in range(1, 51)
    )
    merchants = Merchant.objects.bulk_create(
        (
            Merchant(
                name=f"Store {m}",
                slug=f"store{m}",
                network=networks[m % NETWORKS],
                tracking_url=f"https://example.com/s{m}?c={{click_id}}",
                cashback_type="percentage",
                cashback_value=Decimal(m % 10 + 1),
                is_featured=m <= 20,
                priority=m % 7,
            )
            for m in range(1, c["merchants"] + 1)
        ),
        batch_size=5000,
    )
    offers = Offer.objects.bulk_create(
        (
            Offer(
                merchant=merchants[o % len(merchants)],
                category=categories[o % len(categories)],
                external_id=f"o{o}",
                title=f"Offer {o}",
                offer_type="deal",
                status="active",
                is_featured=o <= 30,
                priority=o % 11,
            )
            for o in range(1, c["offers"] + 1)
        ),
        batch_size=5000,
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            name=f"Campaign {k}",
            slug=f"camp{k}",
            status="active",
            visibility="public",
            default_destination_url=f"https://example.com/c{k}?click={{click_id}}",
            fallback_url="https://example.com/",
            allowed_domains="example.com",
            postback_token_hash=hash_token(f"bench-conv-camp{k}"),
            postback_token_hint=f"mp{k}"[-4:],
        )
        for k in range(1, c["campaigns"] + 1)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            campaign=campaign,
            name="Sale",
            commission_type="percentage",
            commission_value=Decimal("8"),
            tracking_code=f"G{campaign.pk:09d}",
            is_default=True,
        )
        for campaign in campaigns
    )
    users = dict(User.objects.filter(pk__lte=c["partners"]).values_list("pk", "email"))
    partners = Partner.objects.bulk_create(
        Partner(user_id=u, name=f"Partner {u}", status="approved", approved_at=now)
        for u in sorted(users)
    )
    links = Link.objects.bulk_create(
        (
            Link(
                partner=partner,
                campaign=campaigns[(partner.pk * LINKS_PER_PARTNER + j) % len(campaigns)],
                slug=f"p{partner.pk}l{j}",
                name=f"Link {j}",
                destination_url="https://example.com/x?click={click_id}&s1={sub1}",
            )
            for partner in partners
            for j in range(LINKS_PER_PARTNER)
        ),
        batch_size=5000,
    )
    return {
        "offer_merchant": {o.pk: o.merchant_id for o in offers},
        "merchant_network": {m.pk: m.network_id for m in merchants},
        "links": [(link.pk, link.partner_id, link.campaign_id) for link in links],
        "goal_of": {g.campaign_id: g.pk for g in goals},
    }


def _clicks(c: dict, cat: dict, now, rng: random.Random) -> None:
    clock = Clock(now, c["clicks"])
    offers = len(cat["offer_merchant"])

    def lines():
        for i in range(1, c["clicks"] + 1):
            offer = _skewed(rng, offers)
            yield (
                f"{i}\t{uuid.UUID(int=i)}\tpercentage\t5\t\\N\tf\t\\N\t\t"
                f"{DEVICES[i % 5]}\t\tUS\t{clock.at(i).isoformat()}\t"
                f"{cat['offer_merchant'][offer]}\t{offer}\t{_skewed(rng, c['users'])}\t"
                # The store's share (its model default) and no category rates snapshotted.
                "50\t[]\n"
            )

    _copy(
        "tracking_click",
        [
            "id",
            "click_id",
            "cashback_type",
            "cashback_value",
            "cashback_max",
            "cashback_uncapped",
            "ip",
            "user_agent",
            "device_type",
            "referrer",
            "country",
            "created_at",
            "merchant_id",
            "offer_id",
            "user_id",
            "cashback_share",
            "rates",
        ],
        lines(),
    )


def _affiliate_clicks(c: dict, cat: dict, now, rng: random.Random) -> None:
    clock = Clock(now, c["affiliate_clicks"])
    links = cat["links"]

    def lines():
        for i in range(1, c["affiliate_clicks"] + 1):
            link, partner, campaign = links[_skewed(rng, len(links)) - 1]
            unique = "t" if i % 5 else "f"
            yield (
                f"{i}\t{uuid.UUID(int=(1 << 100) + i)}\t{SUB1[i % 6]}\t\t\t\t\t\t\t\t\\N\t\t"
                f"{DEVICES[i % 5]}\t\tUS\t{unique}\tf\t{clock.at(i).isoformat()}\t"
                f"{campaign}\t{link}\t{partner}\n"
            )

    _copy(
        "tracking_affiliateclick",
        [
            "id",
            "click_id",
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
            "campaign_id",
            "link_id",
            "partner_id",
        ],
        lines(),
    )


def _cashback(c: dict, cat: dict, now, rng: random.Random) -> None:
    """Events with their ledger: a pending transaction each, and a confirmation for the
    ones older than their lock period (60 days); balances and running balances exact."""
    clock = Clock(now, c["events"])
    offers = len(cat["offer_merchant"])
    lock = timedelta(days=60)
    # Accounts: user u has pending 3u-2, available 3u-1 (hold 3u comes when needed: none
    # here); the platform's cashback expense is the last one.
    expense = 3 * c["users"] + 1
    running: dict[int, Decimal] = defaultdict(Decimal)
    events, transactions, entries, logs = [], [], [], []
    txn = entry = 0
    for k in range(1, c["events"] + 1):
        at = clock.at(k)
        stamp = at.isoformat()
        user, offer = _skewed(rng, c["users"]), _skewed(rng, offers)
        merchant = cat["offer_merchant"][offer]
        network = cat["merchant_network"][merchant]
        cashback = Decimal(rng.randint(50, 5000)) / 100
        cashback_pct = 10  # the sale amount below is ten times the cashback
        confirmed = now - at > lock
        events.append(
            f"{k}\t{uuid.UUID(int=(2 << 100) + k)}\tT{k}\t{cashback * 10}\t{cashback}\t"
            f"{cashback}\tUSD\t{'confirmed' if confirmed else 'pending'}\t"
            f"{'approved' if confirmed else 'pending'}\tt\t{(at + lock).isoformat()}\t\t"
            f"{stamp if confirmed else chr(92) + 'N'}\t"
            f"{(at + lock).isoformat() if confirmed else chr(92) + 'N'}\t\\N\t\\N\t"
            f"{stamp}\t{stamp}\t{merchant}\t{network}\t{offer}\t{user}\t"
            # Bought half an hour before the network reported it; no category, in USD.
            f"{(at - SALE_LAG).isoformat()}\t\t{cashback_pct}% of the sale\t\n"
        )
        moves = [("cashback.pending", "pending", expense, 3 * user - 2, stamp)]
        if confirmed:
            moves.append(
                ("cashback.confirm", "confirm", 3 * user - 2, 3 * user - 1, (at + lock).isoformat())
            )
        for kind, key, source, target, when in moves:
            txn += 1
            transactions.append(
                f"{txn}\t{kind}\tcashback_event:{k}\tcashback:{k}:{key}\t\tUSD\t{when}\n"
            )
            for account, amount in ((source, -cashback), (target, cashback)):
                entry += 1
                running[account] += amount
                entries.append(f"{entry}\t{amount}\t{running[account]}\t{when}\t{account}\t{txn}\n")
        logs.append(
            f"network\tnet{network}\tGET\t{{}}\t\t{{}}\t\\N\tsuccess\t200\t\t\t{stamp}\t{stamp}"
            f"\tt\t{k}\t{network}\tT{k}\t\\N\n"
        )
    _copy(
        "wallet_cashbackevent",
        [
            "id",
            "click_uuid",
            "external_txn_id",
            "sale_amount",
            "commission",
            "cashback_amount",
            "currency",
            "status",
            "network_status",
            "auto_confirm",
            "expected_confirmation_at",
            "reason",
            "network_approved_at",
            "confirmed_at",
            "rejected_at",
            "reversed_at",
            "created_at",
            "updated_at",
            "merchant_id",
            "network_id",
            "offer_id",
            "user_id",
            "sale_at",
            "category_code",
            "rate_label",
            "original_currency",
        ],
        events,
    )
    del events
    stamp = now.isoformat()
    accounts = [
        f"{3 * u - 2 + i}\t{kind}\tUSD\t{running[3 * u - 2 + i]}\t{stamp}\t{u}\n"
        for u in range(1, c["users"] + 1)
        for i, kind in enumerate(("pending", "available", "hold"))
    ]
    accounts.append(f"{expense}\tcashback_expense\tUSD\t{running[expense]}\t{stamp}\t\\N\n")
    _copy(
        "wallet_account", ["id", "kind", "currency", "balance", "created_at", "owner_id"], accounts
    )
    _copy(
        "wallet_transaction",
        ["id", "kind", "reference", "idempotency_key", "memo", "currency", "created_at"],
        transactions,
    )
    del transactions
    _copy(
        "wallet_entry",
        ["id", "amount", "balance_after", "created_at", "account_id", "transaction_id"],
        entries,
    )
    del entries
    _postback_logs(logs)


POSTBACK_LOG_COLUMNS = [
    "kind",
    "source",
    "method",
    "query",
    "body",
    "headers",
    "remote_ip",
    "outcome",
    "http_status",
    "code",
    "message",
    "received_at",
    "processed_at",
    "authenticated",
    "event_id",
    "network_id",
    "txn_id",
    "conversion_id",
]


def _postback_logs(lines) -> None:
    _copy("tracking_postbacklog", POSTBACK_LOG_COLUMNS, lines)


def _conversions(c: dict, cat: dict, now, rng: random.Random) -> None:
    clock = Clock(now, c["conversions"])
    links = cat["links"]
    rows, logs = [], []
    for k in range(1, c["conversions"] + 1):
        at = clock.at(k)
        stamp = at.isoformat()
        link, partner, campaign = links[_skewed(rng, len(links)) - 1]
        amount = Decimal(rng.randint(1000, 30000)) / 100
        commission = (amount * Decimal("0.08")).quantize(Decimal("0.01"))
        age = (now - at).days
        status = "pending" if age < 30 else ("declined" if k % 10 == 0 else "approved")
        approved = (at + timedelta(days=30)).isoformat() if status == "approved" else "\\N"
        payable = (at + timedelta(days=60)).isoformat() if status == "approved" else "\\N"
        rows.append(
            f"{k}\t{uuid.UUID(int=(3 << 100) + k)}\t{(at - timedelta(hours=1)).isoformat()}\t"
            f"C{k}\t{amount}\t{commission}\tUSD\t{SUB1[k % 6]}\t\t\t{status}\tf\t[]\t\t"
            f"{approved}\t{payable}\t\\N\t\\N\t{stamp}\t{stamp}\t{campaign}\t"
            f"{cat['goal_of'][campaign]}\t{partner}\t\\N\t{link}\t"
            f"{(at - SALE_LAG).isoformat()}\t\n"  # converted_at, original_currency (none)
        )
        logs.append(
            f"conversion\tcamp{campaign}\tGET\t{{}}\t\t{{}}\t\\N\tsuccess\t200\t\t\t{stamp}\t"
            f"{stamp}\tt\t\\N\t\\N\tC{k}\t{k}\n"
        )
    _copy(
        "affiliates_conversion",
        [
            "id",
            "click_uuid",
            "clicked_at",
            "txn_id",
            "amount",
            "commission",
            "currency",
            "sub1",
            "sub2",
            "sub3",
            "status",
            "on_hold",
            "hold_reasons",
            "reason",
            "approved_at",
            "payable_at",
            "credited_at",
            "paid_at",
            "created_at",
            "updated_at",
            "campaign_id",
            "goal_id",
            "partner_id",
            "payout_id",
            "link_id",
            "converted_at",
            "original_currency",
        ],
        rows,
    )
    del rows
    _postback_logs(logs)


BIG_TABLES = (
    "accounts_user",
    "tracking_click",
    "tracking_affiliateclick",
    "wallet_cashbackevent",
    "wallet_account",
    "wallet_transaction",
    "wallet_entry",
    "affiliates_conversion",
    "tracking_postbacklog",
)


def _without_secondary_indexes(tables):
    """Drop the indexes that back no constraint (COPY is several times faster without
    them) and return the statements that recreate them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)).as_string())
    return [definition for _name, definition in indexes]


def build(database: str, scale: float, config: dict) -> float:
    """Create `database` from scratch at `scale`; returns the seconds it took."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    recreate(config, database)
    use_database(database)
    call_command("migrate", verbosity=0)
    c, now, rng = counts(scale), timezone.now(), random.Random(1)
    step = time.perf_counter()

    def done(what):
        nonlocal step
        print(f"  {what:34} {time.perf_counter() - step:7.1f}s", flush=True)
        step = time.perf_counter()

    recreate_indexes = _without_secondary_indexes(BIG_TABLES)
    with connection.cursor() as cursor:
        # Foreign keys are checked by triggers, row by row; the generator keeps them true.
        cursor.execute("SET session_replication_role = replica")
    _users(c["users"], now)
    done(f"{c['users']:,} users")
    catalog = _catalog(c, now)
    done("catalog, campaigns, partners, links")
    _clicks(c, catalog, now, rng)
    done(f"{c['clicks']:,} click-outs")
    _affiliate_clicks(c, catalog, now, rng)
    done(f"{c['affiliate_clicks']:,} partner-link clicks")
    _cashback(c, catalog, now, rng)
    done(f"{c['events']:,} cashback events + ledger")
    _conversions(c, catalog, now, rng)
    done(f"{c['conversions']:,} conversions")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
        for definition in recreate_indexes:
            cursor.execute(definition)
    reset_sequences(*BIG_TABLES)
    done(f"{len(recreate_indexes)} indexes rebuilt")
    call_command("rebuild_rollups", stdout=io.StringIO())
    done("rollups rebuilt (rebuild_rollups)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    done("vacuum analyze")
    connection.close()
    with admin_connection(config) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database), sql.Literal(f"savebucks bench scale={scale}")
            )
        )
    return time.perf_counter() - started


def built_scale(database: str, config: dict) -> float | None:
    """The scale an existing dataset was built at, or None if there is none."""
    with admin_connection(config) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database],
        ).fetchone()
    if not row or not row[0] or not row[0].startswith("savebucks bench scale="):
        return None
    return float(row[0].split("=", 1)[1])


def ensure(scale: float, config: dict, database: str | None = None) -> str:
    """The dataset at `scale`, built only if it is not there already; returns its name."""
    database = database or f"{config['NAME']}_bench_data"
    if built_scale(database, config) != scale:
        print(f"building {database} at scale {scale} …", flush=True)
        print(f"dataset built in {build(database, scale, config):.1f}s")
    return database


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench datagen", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: seed scale")
    parser.add_argument("--database", help="default: <DATABASE_URL name>_bench_data")
    args = parser.parse_args(argv)
    config = pg_settings()
    database = args.database or f"{config['NAME']}_bench_data"
    c = counts(args.scale)
    print(f"building {database}: " + ", ".join(f"{n:,} {name}" for name, n in c.items()))
    seconds = build(database, args.scale, config)
    total = sum(c[k] for k in ("clicks", "affiliate_clicks", "events", "conversions"))
    print(f"dataset built in {seconds:.1f}s ({total / seconds:,.0f} tracked rows/s)")
    print(f"BENCH datagen seconds={seconds:.3g} target>0 PASS")
    return 0
