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
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import Conflict, Refusal
from config.fast_insert import insert_instance
from config.money import check_amount_size, money
from config.sql_arrays import any_of, array_literal

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


# Keys, lines and requests are named tuples: a batch builds tens of thousands of them, and
# a locked account row `(owner_id, kind, currency)` is its own key without conversion.
class AccountKey(NamedTuple):
    owner_id: int | None
    kind: str
    currency: str


def user_account(user, kind: str, currency: str | None = None) -> AccountKey:
    owner_id = user if isinstance(user, int) else user.pk
    return AccountKey(owner_id, kind, currency or settings.PLATFORM_CURRENCY)


def platform_account(kind: str, currency: str | None = None) -> AccountKey:
    return AccountKey(None, kind, currency or settings.PLATFORM_CURRENCY)


class Line(NamedTuple):
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


class Posting:
    """The transaction a request posted (created) or found under its key (not created:
    nothing moved now). A batch inserts its transactions from arrays, so the model
    instance is only built if someone asks for it."""

    __slots__ = ("_row", "_transaction", "created")

    def __init__(self, transaction: "Transaction | None", created: bool, *, row=None):
        self.created, self._transaction, self._row = created, transaction, row

    @property
    def transaction(self) -> Transaction:
        if self._transaction is None:
            pk, r, created_at = self._row
            self._transaction = Transaction(
                pk=pk,
                kind=r.kind,
                idempotency_key=r.idempotency_key,
                memo=r.memo[:255],
                reference=r.reference,
                actor_id=_actor_id(r.actor),
                currency=r.lines[0].account.currency,
                created_at=created_at,
            )
            self._transaction._state.adding = False
            self._transaction._state.db = connection.alias
        return self._transaction

    def __repr__(self):
        return f"Posting({self.transaction!r}, created={self.created})"


class PostingRequest(NamedTuple):
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


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.pk else None


_LOCK_SQL = (
    'SELECT owner_id, kind, currency, id, balance FROM "wallet_account" '
    "WHERE ((owner_id = ANY(%s::bigint[]) AND kind = ANY(%s::varchar[])) "
    "OR (owner_id IS NULL AND kind = ANY(%s::varchar[]))) AND currency = ANY(%s::varchar[]) "
    "ORDER BY id FOR UPDATE"
)


def _lock_accounts(keys: set[AccountKey]) -> dict[AccountKey, list]:
    """Create missing accounts, then lock all of them in id order.

    Selected by owner and kind lists rather than one OR per key (a batch has thousands);
    the few extra rows this may lock (a shopper's other accounts) are locked in the same
    id order, so they cannot cause a deadlock.
    """
    owners = {k.owner_id for k in keys if k.owner_id is not None}
    user_kinds = {k.kind for k in keys if k.owner_id is not None}
    platform_kinds = {k.kind for k in keys if k.owner_id is None}
    currencies = {k.currency for k in keys}

    def orm_rows():
        return (
            Account.objects.select_for_update()
            .filter(
                Q(owner_id__in=any_of(owners, "bigint"), kind__in=user_kinds)
                | Q(owner__isnull=True, kind__in=platform_kinds),
                currency__in=currencies,
            )
            .order_by("pk")
            # Plain rows, [id, balance] by key: a batch locks thousands of accounts, and
            # a model instance each was most of the time spent here.
            .values_list("owner_id", "kind", "currency", "pk", "balance")
        )

    def rows():
        if connection.vendor == "postgresql":
            # The same statement by hand: the ORM compiled it anew on every posting,
            # which cost more than PostgreSQL spends running it.
            with connection.cursor() as cursor:
                cursor.execute(
                    _LOCK_SQL,
                    [
                        array_literal(owners, "bigint"),
                        array_literal(user_kinds, "varchar"),
                        array_literal(platform_kinds, "varchar"),
                        array_literal(currencies, "varchar"),
                    ],
                )
                found = cursor.fetchall()
        else:
            found = orm_rows()
        return {(o, k, c): [pk, balance] for o, k, c, pk, balance in found}

    accounts = rows()
    if not keys <= accounts.keys():
        Account.objects.bulk_create(
            [
                Account(owner_id=k.owner_id, kind=k.kind, currency=k.currency)
                for k in keys - accounts.keys()
            ],
            ignore_conflicts=True,  # a concurrent posting may create the same account
        )
        accounts = rows()
    return {key: accounts[key] for key in keys}


def _write_balances(accounts: list[list]) -> None:
    """Store new balances of locked accounts ([id, balance] each) in one statement."""
    if connection.vendor == "postgresql":
        # bulk_update would build one CASE branch per account; unnest() scales.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE wallet_account SET balance = v.balance "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, balance) "
                "WHERE wallet_account.id = v.id",
                [
                    array_literal([pk for pk, _ in accounts], "bigint"),
                    array_literal([balance for _, balance in accounts], "numeric"),
                ],
            )
    else:
        Account.objects.bulk_update(
            [Account(pk=pk, balance=balance) for pk, balance in accounts],
            ["balance"],
            batch_size=1000,
        )


def _replay(existing: Transaction, lines: list[Line]) -> Posting:
    recorded = Counter((_key_of(entry.account), entry.amount) for entry in existing.entries.all())
    if recorded != Counter((line.account, line.amount) for line in lines):
        raise IdempotencyConflict(
            detail=f"Key {existing.idempotency_key!r} was posted with different amounts."
        )
    return Posting(existing, created=False)


def _existing(keys: Iterable[str]) -> dict[str, Transaction]:
    found = Transaction.objects.filter(
        idempotency_key__in=any_of(keys, "varchar")
    ).prefetch_related("entries__account")
    return {txn.idempotency_key: txn for txn in found}


def _transaction_row(r: PostingRequest, now) -> Transaction:
    return Transaction(
        kind=r.kind,
        idempotency_key=r.idempotency_key,
        memo=r.memo[:255],
        reference=r.reference,
        actor_id=_actor_id(r.actor),
        currency=r.lines[0].account.currency,
        created_at=now,
    )


def _insert(requests: list[PostingRequest]) -> list[Posting]:
    """Insert one transaction per request (SQLite); their postings, in request order."""
    now = timezone.now()
    rows = Transaction.objects.bulk_create(_transaction_row(r, now) for r in requests)
    return [Posting(row, True) for row in rows]


def _insert_new(requests: list[PostingRequest]) -> dict[str, Posting]:
    """PostgreSQL: insert the transactions whose keys are new, in one statement; the
    postings created, by key. A key another transaction holds makes this wait for its
    commit and is then skipped (its caller replays it); keys go in sorted order, so two
    batches waiting on each other's keys cannot deadlock. One array per column, no model
    instance per row."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wallet_transaction "
            "(kind, idempotency_key, memo, reference, actor_id, currency, created_at) "
            "SELECT k, i, m, r, a, c, %s FROM unnest(%s::varchar[], %s::varchar[], "
            "%s::varchar[], %s::varchar[], %s::bigint[], %s::varchar[]) AS v(k, i, m, r, a, c) "
            "ORDER BY i ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key",
            [
                now,
                array_literal([r.kind for r in requests], "varchar"),
                array_literal([r.idempotency_key for r in requests], "varchar"),
                array_literal([r.memo[:255] for r in requests], "varchar"),
                array_literal([r.reference for r in requests], "varchar"),
                array_literal([_actor_id(r.actor) for r in requests], "bigint"),
                array_literal([r.lines[0].account.currency for r in requests], "varchar"),
            ],
        )
        by_key = {key: pk for pk, key in cursor.fetchall()}
    return {
        r.idempotency_key: Posting(None, True, row=(by_key[r.idempotency_key], r, now))
        for r in requests
        if r.idempotency_key in by_key
    }


def _insert_entries(rows: list[tuple]) -> None:
    """rows: (transaction id, account id, amount, balance after)."""
    if connection.vendor != "postgresql":
        entries = [
            Entry(transaction_id=t, account_id=a, amount=m, balance_after=b) for t, a, m, b in rows
        ]
        Entry.objects.bulk_create(entries, batch_size=5000)
        return
    transactions, accounts, amounts, balances = map(list, zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO "wallet_entry" '
            "(transaction_id, account_id, amount, balance_after, created_at) "
            "SELECT t, a, m, b, %s FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], "
            "%s::numeric[]) AS v(t, a, m, b)",
            [
                timezone.now(),
                array_literal(transactions, "bigint"),
                array_literal(accounts, "bigint"),
                array_literal(amounts, "numeric"),
                array_literal(balances, "numeric"),
            ],
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
    see the ones before). Keys posted before are replayed, not posted again.

    All or nothing: if one posting's guarded line would overdraw its account
    (InsufficientFunds), or one key was posted before with other amounts
    (IdempotencyConflict), the whole batch is refused and no money moves. A batch job
    that must not stop for one shopper keeps guarded spending out of its batches (the
    confirmation job moves pending to available, which no guard watches) or posts that
    shopper on their own."""
    requests = [r._replace(lines=_validated(r.lines)) for r in requests]
    if len({r.idempotency_key for r in requests}) != len(requests):
        raise UnbalancedPosting("Each posting in a batch needs its own idempotency key.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            created = _insert_new(requests)
            existing = (
                _existing(r.idempotency_key for r in requests if r.idempotency_key not in created)
                if len(created) < len(requests)
                else {}
            )
        else:
            created, existing = _insert_sqlite(requests)
        fresh = [r for r in requests if r.idempotency_key in created]
        # A key posted before with other amounts refuses the whole batch before any
        # balance moves (and this block rolls back the transactions just inserted).
        replayed = {
            r.idempotency_key: _replay(existing[r.idempotency_key], r.lines)
            for r in requests
            if r.idempotency_key in existing
        }
        _apply(fresh, created)
    return [created.get(r.idempotency_key) or replayed[r.idempotency_key] for r in requests]


def _insert_sqlite(requests: list[PostingRequest]) -> tuple[dict, dict]:
    """SQLite lets one writer in at a time, so looking first cannot race: the postings
    created by key, and the transactions found under the other keys."""
    if len(requests) == 1:
        # The common case: one INSERT that does nothing if the key exists, no savepoint.
        [r] = requests
        row = _transaction_row(r, timezone.now())
        if insert_instance(row, unless_conflict_on=("idempotency_key",)):
            return {r.idempotency_key: Posting(row, True)}, {}
        return {}, _existing([r.idempotency_key])
    # A single posting just tries the insert (the common case, one query less); a batch
    # looks first so that a few replays do not abort the rest.
    existing = _existing(r.idempotency_key for r in requests) if len(requests) > 1 else {}
    fresh = [r for r in requests if r.idempotency_key not in existing]
    try:
        with transaction.atomic():
            inserted = _insert(fresh)
    except IntegrityError:
        existing = _existing(r.idempotency_key for r in requests)
        fresh = [r for r in requests if r.idempotency_key not in existing]
        inserted = _insert(fresh)
    return dict(zip((r.idempotency_key for r in fresh), inserted, strict=True)), existing


def _apply(requests: list[PostingRequest], postings: dict[str, Posting]) -> None:
    if not requests:
        return
    accounts = _lock_accounts({line.account for r in requests for line in r.lines})
    entries = []
    for r in requests:
        posting = postings[r.idempotency_key]
        txn_id = posting._row[0] if posting._transaction is None else posting._transaction.pk
        for key, amount, _guard in r.lines:
            account = accounts[key]
            account[1] += amount
            entries.append((txn_id, account[0], amount, account[1]))
        # Guards see this posting whole: a line spending money the same posting brings in
        # (available -> hold -> available) is not refused half-way.
        for key, _amount, guard in r.lines:
            pk, balance = accounts[key]
            if guard and balance < 0:
                account = Account(pk=pk, owner_id=key.owner_id, kind=key.kind)
                account.currency, account.balance = key.currency, balance
                raise InsufficientFunds(account, balance)
    # Rows are locked, so writing the new balances cannot lose a concurrent update.
    _write_balances(list(accounts.values()))
    _insert_entries(entries)
