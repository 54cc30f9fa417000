"""ledger_post: the one way money moves.

A posting is a list of signed lines (positive: the account's balance grows) that sums to
zero. Balances are cached on the accounts and changed in the same database transaction
as the entries, under row locks taken in account-id order, so concurrent postings never
deadlock and a guarded balance can never be overdrawn.

Callers that lock their own rows (a cashback event, a withdrawal) do so before calling
ledger_post: domain rows first, accounts last, everywhere.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import Conflict, Refusal
from config.money import check_amount_size, money

from ..models import Account, Entry, Transaction


class UnbalancedPosting(Exception):
    """A bug in the caller, never a refusal: every posting must sum to zero."""


class InsufficientFunds(Refusal):
    """A guarded account would go below zero; callers say it in their own words."""

    code = "insufficient_funds"

    def __init__(self, account: Account, would_be: Decimal):
        self.account = account
        self.shortfall = -would_be
        super().__init__(detail=f"{account} would fall to {would_be}")


class IdempotencyConflict(Conflict):
    """The key was used before for a different movement of money."""

    code = "idempotency_conflict"


@dataclass(frozen=True)
class AccountKey:
    owner_id: int | None
    kind: str
    currency: str


def user_account(user, kind: str, currency: str | None = None) -> AccountKey:
    owner_id = user if isinstance(user, int) else user.pk
    return AccountKey(owner_id, kind, currency or settings.PLATFORM_CURRENCY)


def platform_account(kind: str, currency: str | None = None) -> AccountKey:
    return AccountKey(None, kind, currency or settings.PLATFORM_CURRENCY)


@dataclass(frozen=True)
class Line:
    account: AccountKey
    amount: Decimal
    # Refuse the posting if this line would take the account below zero (spending);
    # unguarded lines may (a reversal of cashback already spent).
    guard: bool = False


def transfer(source: AccountKey, target: AccountKey, amount: Decimal, *, guard=False) -> list[Line]:
    """Move `amount` from source to target; nothing if it is zero."""
    if amount == 0:
        return []
    return [Line(source, -amount, guard), Line(target, amount)]


@dataclass(frozen=True)
class Posting:
    transaction: Transaction
    created: bool  # False: the idempotency key was posted before; nothing moved now


@dataclass(frozen=True)
class PostingRequest:
    kind: str
    idempotency_key: str
    lines: Sequence[Line]
    memo: str = ""
    reference: str = ""
    actor: object = None


def _validated(lines: Sequence[Line]) -> list[Line]:
    lines = [line for line in lines if line.amount != 0]
    if len(lines) < 2:
        raise UnbalancedPosting("A posting needs at least two non-zero lines.")
    for line in lines:
        if not isinstance(line.amount, Decimal) or money(line.amount) != line.amount:
            raise UnbalancedPosting(f"{line.amount!r} is not a Decimal amount in cents.")
        # The last guard behind every edge that parses amounts: balances are sized for
        # sums of amounts no larger than this.
        check_amount_size(line.amount)
    if sum(line.amount for line in lines) != 0:
        raise UnbalancedPosting("The lines of a posting must sum to zero.")
    if len({line.account.currency for line in lines}) != 1:
        raise UnbalancedPosting("A posting moves one currency.")
    return lines


def _key_of(account: Account) -> AccountKey:
    return AccountKey(account.owner_id, account.kind, account.currency)


def _lock_accounts(keys: set[AccountKey]) -> dict[AccountKey, Account]:
    """Create missing accounts, then lock all of them in id order.

    Selected by owner and kind lists rather than one OR per key (a batch has thousands);
    the few extra rows this may lock (a shopper's other accounts) are locked in the same
    id order, so they cannot cause a deadlock.
    """
    owners = {k.owner_id for k in keys if k.owner_id is not None}
    user_kinds = {k.kind for k in keys if k.owner_id is not None}
    platform_kinds = {k.kind for k in keys if k.owner_id is None}
    currencies = {k.currency for k in keys}
    locked = (
        Account.objects.select_for_update()
        # Only what posting needs: a batch locks thousands, and every column is parsed.
        .only("owner_id", "kind", "currency", "balance")
        .filter(
            Q(owner_id__in=owners, kind__in=user_kinds)
            | Q(owner__isnull=True, kind__in=platform_kinds),
            currency__in=currencies,
        )
        .order_by("pk")
    )
    accounts = {_key_of(account): account for account in locked}
    if not keys <= accounts.keys():
        Account.objects.bulk_create(
            [
                Account(owner_id=k.owner_id, kind=k.kind, currency=k.currency)
                for k in keys - accounts.keys()
            ],
            ignore_conflicts=True,  # a concurrent posting may create the same account
        )
        accounts = {_key_of(account): account for account in locked.all()}
    return {key: accounts[key] for key in keys}


def _write_balances(accounts) -> None:
    """Store new balances of locked accounts in one statement."""
    if connection.vendor == "postgresql":
        # bulk_update would build one CASE branch per account; unnest() scales.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE wallet_account SET balance = v.balance "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, balance) "
                "WHERE wallet_account.id = v.id",
                [[a.pk for a in accounts], [a.balance for a in accounts]],
            )
    else:
        Account.objects.bulk_update(accounts, ["balance"], batch_size=1000)


def _replay(existing: Transaction, lines: list[Line]) -> Posting:
    recorded = Counter((_key_of(entry.account), entry.amount) for entry in existing.entries.all())
    if recorded != Counter((line.account, line.amount) for line in lines):
        raise IdempotencyConflict(
            detail=f"Key {existing.idempotency_key!r} was posted with different amounts."
        )
    return Posting(existing, created=False)


def _existing(keys: Iterable[str]) -> dict[str, Transaction]:
    found = Transaction.objects.filter(idempotency_key__in=keys).prefetch_related(
        "entries__account"
    )
    return {txn.idempotency_key: txn for txn in found}


def _insert(requests: list[PostingRequest]) -> list[Transaction]:
    rows = [
        Transaction(
            kind=r.kind,
            idempotency_key=r.idempotency_key,
            memo=r.memo[:255],
            reference=r.reference,
            actor=r.actor if r.actor is not None and r.actor.pk else None,
            currency=r.lines[0].account.currency,
            created_at=timezone.now(),
        )
        for r in requests
    ]
    if connection.vendor != "postgresql" or len(rows) < 50:
        return Transaction.objects.bulk_create(rows)
    # A big batch on PostgreSQL: one array per column instead of a parameter per value.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wallet_transaction "
            "(kind, idempotency_key, memo, reference, actor_id, currency, created_at) "
            "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], "
            "%s::bigint[], %s::varchar[], %s::timestamptz[]) RETURNING id, idempotency_key",
            [
                [getattr(t, f) for t in rows]
                for f in (
                    "kind",
                    "idempotency_key",
                    "memo",
                    "reference",
                    "actor_id",
                    "currency",
                    "created_at",
                )
            ],
        )
        ids = {key: pk for pk, key in cursor.fetchall()}
    for row in rows:
        row.pk = ids[row.idempotency_key]
        row._state.adding, row._state.db = False, connection.alias
    return rows


def _insert_entries(rows: list[tuple]) -> None:
    """rows: (transaction id, account id, amount, balance after)."""
    if connection.vendor != "postgresql" or len(rows) < 50:
        entries = [
            Entry(transaction_id=t, account_id=a, amount=m, balance_after=b) for t, a, m, b in rows
        ]
        Entry.objects.bulk_create(entries, batch_size=5000)
        return
    transactions, accounts, amounts, balances = map(list, zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wallet_entry "
            "(transaction_id, account_id, amount, balance_after, created_at) "
            "SELECT t, a, m, b, %s FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], "
            "%s::numeric[]) AS v(t, a, m, b)",
            [timezone.now(), transactions, accounts, amounts, balances],
        )


def ledger_post(
    *,
    kind: str,
    idempotency_key: str,
    lines: Sequence[Line],
    memo: str = "",
    reference: str = "",
    actor=None,
) -> Posting:
    """Post a balanced set of lines once. The same key again returns the first posting;
    the same key with other lines raises IdempotencyConflict. Raises InsufficientFunds
    (and moves nothing) if a guarded line would overdraw its account, AmountTooLarge if a
    line moves more than MAX_TRANSACTION_AMOUNT."""
    [posting] = ledger_post_many(
        [PostingRequest(kind, idempotency_key, lines, memo, reference, actor)]
    )
    return posting


def ledger_post_many(requests: Sequence[PostingRequest]) -> list[Posting]:
    """Post many balanced postings in one database transaction, set-based: one insert
    of transactions, one lock of every account involved, one update of their balances,
    one insert of entries. Postings apply in the given order (guards and balance_after
    see the ones before). Keys posted before are replayed, not posted again."""
    requests = [
        PostingRequest(r.kind, r.idempotency_key, _validated(r.lines), r.memo, r.reference, r.actor)
        for r in requests
    ]
    if len({r.idempotency_key for r in requests}) != len(requests):
        raise UnbalancedPosting("Each posting in a batch needs its own idempotency key.")
    with transaction.atomic():
        # A single posting just tries the insert (the common case, one query less); a
        # batch looks first so that a few replays do not abort the rest.
        existing = _existing(r.idempotency_key for r in requests) if len(requests) > 1 else {}
        fresh = [r for r in requests if r.idempotency_key not in existing]
        try:
            # The unique key decides between concurrent twins: the loser waits for the
            # winner's commit, then fails here and replays.
            with transaction.atomic():
                inserted = _insert(fresh)
        except IntegrityError:
            existing = _existing(r.idempotency_key for r in requests)
            fresh = [r for r in requests if r.idempotency_key not in existing]
            inserted = _insert(fresh)
        created = dict(zip((r.idempotency_key for r in fresh), inserted, strict=True))
        _apply(fresh, created)
    return [
        Posting(created[r.idempotency_key], True)
        if r.idempotency_key in created
        else _replay(existing[r.idempotency_key], r.lines)
        for r in requests
    ]


def _apply(requests: list[PostingRequest], transactions: dict[str, Transaction]) -> None:
    if not requests:
        return
    accounts = _lock_accounts({line.account for r in requests for line in r.lines})
    entries = []
    for r in requests:
        txn_id = transactions[r.idempotency_key].pk
        for line in r.lines:
            account = accounts[line.account]
            account.balance += line.amount
            entries.append((txn_id, account.pk, line.amount, account.balance))
        # Guards see this posting whole: a line spending money the same posting brings in
        # (available -> hold -> available) is not refused half-way.
        for line in r.lines:
            account = accounts[line.account]
            if line.guard and account.balance < 0:
                raise InsufficientFunds(account, account.balance)
    # Rows are locked, so writing the new balances cannot lose a concurrent update.
    _write_balances(list(accounts.values()))
    _insert_entries(entries)
