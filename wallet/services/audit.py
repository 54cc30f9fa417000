"""Prove the ledger's invariants; `manage.py wallet_audit` prints what this finds."""

from decimal import Decimal

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import Coalesce, Lag

from config.money import money

from ..models import Account, Entry, Transaction

ZERO = Decimal("0.00")


def wallet_audit() -> list[str]:
    """Every problem found, as a sentence; an empty list means the books are sound.

    1. every transaction has at least two entries and they sum to zero;
    2. every account's cached balance equals the sum of its entries;
    3. each entry's balance_after equals the previous one plus its amount, and the last
       one equals the cached balance.
    """
    problems = []

    # Compared in Python after rounding to cents: SQLite keeps decimals as floating point,
    # so its SUM() can differ from an exact balance in the fifteenth digit.
    sums = Transaction.objects.annotate(
        total=Coalesce(Sum("entries__amount"), ZERO), lines=Count("entries")
    ).values_list("pk", "total", "lines")
    problems += [
        f"transaction {pk} has {lines} entries summing to {money(total)}, not zero"
        for pk, total, lines in sums.iterator(chunk_size=5000)
        if money(total) != 0 or lines < 2
    ]

    cached = Account.objects.annotate(total=Coalesce(Sum("entries__amount"), ZERO)).values_list(
        "pk", "balance", "total"
    )
    problems += [
        f"account {pk} caches balance {balance} but its entries sum to {money(total)}"
        for pk, balance, total in cached.iterator(chunk_size=5000)
        if money(total) != balance
    ]

    running = Entry.objects.annotate(
        previous=Window(
            Lag("balance_after"), partition_by=[F("account_id")], order_by=F("id").asc()
        )
    ).values_list("pk", "account_id", "amount", "balance_after", "previous")
    last_after: dict[int, Decimal] = {}
    for pk, account_id, amount, after, previous in running.iterator(chunk_size=5000):
        expected = (previous if previous is not None else ZERO) + amount
        if money(after) != money(expected):
            problems.append(
                f"entry {pk} on account {account_id} says balance {after}, expected {expected}"
            )
        last_after[account_id] = after
    for pk, balance in Account.objects.values_list("pk", "balance"):
        if last_after.get(pk, ZERO) != balance:
            problems.append(
                f"account {pk} caches balance {balance} but its last entry says "
                f"{last_after.get(pk, ZERO)}"
            )
    return problems
