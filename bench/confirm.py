"""confirm: the cashback confirmation job against a raw-SQL baseline of the same writes.

Builds N due events (network-approved, each with its real pending ledger transaction)
for M shoppers in a template database with COPY, then on two fresh copies of it times
  job:      wallet.services.confirmation.cashback_confirm_due(batch_size=B)
  baseline: hand-written SQL doing the same writes per batch of B: claim the events
            (FOR UPDATE SKIP LOCKED), mark them confirmed, record each status change
            in the history table, insert one ledger transaction per event, insert its
            two entries with running balances, move the balances.
Both must end with identical balances; the job's copy must pass wallet_audit.
"""

import argparse
import time
import uuid
from collections import defaultdict
from decimal import Decimal

from .db import (
    bench_line,
    copy_bench_users,
    copy_rows,
    drop,
    pg_settings,
    recreate,
    reset_sequences,
    use_database,
    use_production_settings,
)

TARGET_RATIO = 1.5


def _build(events: int, users: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

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
    cashback = {k: Decimal(k % 5000 + 1) / 100 for k in range(1, events + 1)}
    owner = {k: (k - 1) % users + 1 for k in cashback}
    expense = 2 * users + 1
    pending_id, available_id = (lambda u: 2 * u - 1), (lambda u: 2 * u)
    per_user = defaultdict(Decimal)
    for k, amount in cashback.items():
        per_user[owner[k]] += amount
    copy_rows(
        "wallet_account",
        ["id", "owner_id", "kind", "currency", "balance", "created_at"],
        [
            *((pending_id(u), u, "pending", "USD", per_user[u], now) for u in range(1, users + 1)),
            *(
                (available_id(u), u, "available", "USD", Decimal("0.00"), now)
                for u in range(1, users + 1)
            ),
            (expense, None, "cashback_expense", "USD", -sum(cashback.values()), now),
        ],
    )
    copy_rows(
        "wallet_cashbackevent",
        [
            "id",
            "user_id",
            "network_id",
            "merchant_id",
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
            "created_at",
            "updated_at",
            "sale_at",
            "category_code",
            "rate_label",
            "original_currency",
        ],
        (
            (
                k,
                owner[k],
                network.pk,
                merchant.pk,
                uuid.uuid4(),
                f"B{k}",
                amount * 10,
                Decimal("0.00"),
                amount,
                "USD",
                "pending",
                "approved",
                True,
                now,
                "",
                now,
                now,
                now,
                now,  # sold when reported
                "",  # no category reported
                "10% of the sale",
                "",  # in USD
            )
            for k, amount in cashback.items()
        ),
    )
    copy_rows(
        "wallet_transaction",
        ["id", "kind", "reference", "idempotency_key", "memo", "currency", "created_at"],
        (
            (
                k,
                "cashback.pending",
                f"cashback_event:{k}",
                f"cashback:{k}:pending",
                "Cashback pending",
                "USD",
                now,
            )
            for k in cashback
        ),
    )

    def entries():
        running = defaultdict(Decimal)
        for k, amount in cashback.items():
            running[expense] -= amount
            yield (2 * k - 1, k, expense, -amount, running[expense], now)
            running[pending_id(owner[k])] += amount
            yield (2 * k, k, pending_id(owner[k]), amount, running[pending_id(owner[k])], now)

    copy_rows(
        "wallet_entry",
        ["id", "transaction_id", "account_id", "amount", "balance_after", "created_at"],
        entries(),
    )
    reset_sequences(
        "accounts_user",
        "wallet_account",
        "wallet_cashbackevent",
        "wallet_transaction",
        "wallet_entry",
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _run_job(batch_size: int) -> int:
    from wallet.services.confirmation import cashback_confirm_due

    return cashback_confirm_due(batch_size=batch_size).confirmed


DUE = (
    "SELECT id FROM wallet_cashbackevent WHERE status = 'pending' AND (network_status = 'approved'"
    " OR (auto_confirm AND expected_confirmation_at <= now())) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
)
ENTRIES_AND_BALANCES = """
WITH batch AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS t(event_id, txn_id)
), lines AS (
    SELECT b.txn_id, b.event_id, a.id AS account_id,
           CASE a.kind WHEN 'pending' THEN -e.cashback_amount ELSE e.cashback_amount END AS amount
    FROM batch b
    JOIN wallet_cashbackevent e ON e.id = b.event_id
    JOIN wallet_account a ON a.owner_id = e.user_id AND a.currency = e.currency
         AND a.kind IN ('pending', 'available')
    WHERE e.cashback_amount <> 0
), running AS (
    SELECT l.*, a.balance + sum(l.amount) OVER (
        PARTITION BY l.account_id ORDER BY l.event_id ROWS UNBOUNDED PRECEDING) AS balance_after
    FROM lines l JOIN wallet_account a ON a.id = l.account_id
), inserted AS (
    INSERT INTO wallet_entry (transaction_id, account_id, amount, balance_after, created_at)
    SELECT txn_id, account_id, amount, balance_after, now() FROM running ORDER BY event_id, amount
)
UPDATE wallet_account a SET balance = a.balance + d.delta
FROM (SELECT account_id, sum(amount) AS delta FROM lines GROUP BY account_id) d
WHERE a.id = d.account_id
"""


def _run_baseline(batch_size: int) -> int:
    from django.db import connection, transaction

    confirmed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(DUE, [batch_size])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return confirmed
            cursor.execute(
                "UPDATE wallet_cashbackevent SET status = 'confirmed', confirmed_at = now(), "
                "updated_at = now() WHERE id = ANY(%s)",
                [ids],
            )
            # The status history the job writes too (accounts.StatusChange): a write,
            # so the baseline makes it as well; it did not before 2026-12-01.
            cursor.execute(
                "INSERT INTO accounts_statuschange (content_type_id, object_id, field, "
                "from_status, to_status, actor_id, reason, created_at) "
                "SELECT (SELECT id FROM django_content_type WHERE app_label = 'wallet' "
                "AND model = 'cashbackevent'), unnest(%s::bigint[]), 'status', 'pending', "
                "'confirmed', NULL, 'Confirmation period over.', now()",
                [ids],
            )
            cursor.execute(
                "INSERT INTO wallet_transaction (kind, reference, idempotency_key, memo, currency, created_at) "
                "SELECT 'cashback.confirm', 'cashback_event:' || id, 'cashback:' || id || ':confirm', "
                "'Cashback confirmed', currency, now() FROM wallet_cashbackevent "
                "WHERE id = ANY(%s) AND cashback_amount <> 0 ORDER BY id RETURNING id, reference",
                [ids],
            )
            pairs = sorted((int(ref.split(":")[1]), txn) for txn, ref in cursor.fetchall())
            cursor.execute(
                "SELECT a.id FROM wallet_account a JOIN wallet_cashbackevent e ON a.owner_id = e.user_id "
                "WHERE e.id = ANY(%s) AND a.kind IN ('pending', 'available') ORDER BY a.id FOR UPDATE OF a",
                [ids],
            )
            cursor.execute(ENTRIES_AND_BALANCES, [[p[0] for p in pairs], [p[1] for p in pairs]])
            confirmed += len(ids)


def _balances() -> list[tuple]:
    """Every account's balance, and how many status changes were recorded."""
    from accounts.models import StatusChange
    from wallet.models import Account

    history = StatusChange.objects.filter(to_status="confirmed").count()
    return [*Account.objects.order_by("pk").values_list("pk", "balance"), ("history", history)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench confirm", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each contender.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases.")
    args = parser.parse_args(argv)
    config = pg_settings()
    base = config["NAME"]
    template, run = f"{base}_bench_confirm_tpl", f"{base}_bench_confirm_run"

    use_production_settings()
    import django

    django.setup()
    from django.db import connection

    from config.celery import app

    # As in production, follow-up work (notification rows, emails) is queued for a
    # worker, not done inside the job: a broker in memory takes the messages.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"

    from wallet.services.audit import wallet_audit

    started = time.perf_counter()
    recreate(config, template)
    use_database(template)
    _build(args.events, args.users)
    print(
        f"dataset: {args.events} due events for {args.users} shoppers in {time.perf_counter() - started:.1f}s"
    )

    # Alternate the contenders and keep each one's best run: caches warm up, the
    # machine is busy now and then, and neither side should pay for that alone.
    timings, results = {"job": [], "baseline": []}, {}
    # This process's CPU (Python, driver, Django) per run: the part the job adds on top
    # of PostgreSQL's work, which both contenders share.
    cpu = {"job": [], "baseline": []}
    for _round in range(args.repeat):
        for name, contender in (("job", _run_job), ("baseline", _run_baseline)):
            connection.close()
            recreate(config, run, template=template)
            use_database(run)
            started, cpu_started = time.perf_counter(), time.process_time()
            confirmed = contender(args.batch_size)
            timings[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
            assert confirmed == args.events, f"{name} confirmed {confirmed} of {args.events}"
            results[name] = _balances()
            if name == "job" and _round == 0:
                problems = wallet_audit()
                assert not problems, problems[:5]
    for name, runs in timings.items():
        best = min(runs)
        print(
            f"{name:9} best {best:7.2f}s  {args.events / best:10,.0f} events/s  (runs: {', '.join(f'{t:.2f}' for t in runs)})"
        )
    per_event = {name: min(runs) / args.events * 1e6 for name, runs in cpu.items()}
    print(
        f"app CPU per event: job {per_event['job']:.0f} µs, baseline {per_event['baseline']:.0f} µs"
        f"  (best run; PostgreSQL's own CPU is not in these)"
    )
    timings = {name: min(runs) for name, runs in timings.items()}
    assert results["job"] == results["baseline"], "the job and the baseline disagree on balances"
    connection.close()
    if not args.keep:
        drop(config, run)
        drop(config, template)
    ratio = timings["job"] / timings["baseline"]
    print(
        f"job / baseline time: {ratio:.2f}  (batch size {args.batch_size}; same final balances; audit clean)"
    )
    print(bench_line("confirm", "ratio", ratio, "<=", TARGET_RATIO))
    return 0
