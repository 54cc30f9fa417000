"""ledger_post: the one way money moves.

A posting is a list of signed lines (positive: the account's balance grows) that sums to
zero. Balances are cached on the accounts and changed in the same database transaction
as the entries, under row locks taken in account-id order, so concurrent postings never
deadlock and a guarded balance can never be overdrawn.

Callers that lock their own rows (a cashback event, a withdrawal) do so before calling
ledger_post: domain rows first, accounts last, everywhere.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from ..models import Account, Entry, Transaction
from ..money import money


class LedgerError(Exception):
    pass


class UnbalancedPosting(LedgerError):
    pass


class InsufficientFunds(LedgerError):
    def __init__(self, account: Account, needed: Decimal):
        self.account = account
        self.needed = needed
        super().__init__(f"{account} has {account.balance}, needs {needed}")


class IdempotencyConflict(LedgerError):
    """The key was used before for a different movement of money."""


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


def _validated(lines: Sequence[Line]) -> list[Line]:
    lines = [line for line in lines if line.amount != 0]
    if len(lines) < 2:
        raise UnbalancedPosting("A posting needs at least two non-zero lines.")
    for line in lines:
        if not isinstance(line.amount, Decimal) or money(line.amount) != line.amount:
            raise UnbalancedPosting(f"{line.amount!r} is not a Decimal amount in cents.")
    if sum(line.amount for line in lines) != 0:
        raise UnbalancedPosting("The lines of a posting must sum to zero.")
    if len({line.account.currency for line in lines}) != 1:
        raise UnbalancedPosting("A posting moves one currency.")
    return lines


def _key_filter(keys: Iterable[AccountKey]) -> Q:
    condition = Q(pk__in=[])
    for key in keys:
        condition |= Q(owner_id=key.owner_id, kind=key.kind, currency=key.currency)
    return condition


def _key_of(account: Account) -> AccountKey:
    return AccountKey(account.owner_id, account.kind, account.currency)


def _lock_accounts(keys: set[AccountKey]) -> dict[AccountKey, Account]:
    """Create missing accounts, then lock all of them in id order."""
    locked = Account.objects.select_for_update().filter(_key_filter(keys)).order_by("pk")
    accounts = {_key_of(account): account for account in locked}
    if len(accounts) < len(keys):
        Account.objects.bulk_create(
            [Account(owner_id=k.owner_id, kind=k.kind, currency=k.currency) for k in keys],
            ignore_conflicts=True,  # a concurrent posting may create the same account
        )
        accounts = {_key_of(account): account for account in locked.all()}
    return accounts


def _replay(existing: Transaction, lines: list[Line]) -> Posting:
    recorded = Counter(
        (_key_of(entry.account), entry.amount)
        for entry in existing.entries.select_related("account")
    )
    if recorded != Counter((line.account, line.amount) for line in lines):
        raise IdempotencyConflict(
            f"Key {existing.idempotency_key!r} was posted with different amounts."
        )
    return Posting(existing, created=False)


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
    (and moves nothing) if a guarded line would overdraw its account."""
    lines = _validated(lines)
    currency = lines[0].account.currency
    with transaction.atomic():
        try:
            # The unique key decides between concurrent twins: the loser waits for the
            # winner's commit, then fails here and replays.
            with transaction.atomic():
                txn = Transaction.objects.create(
                    kind=kind,
                    idempotency_key=idempotency_key,
                    memo=memo[:255],
                    reference=reference,
                    actor=actor if actor is not None and actor.pk else None,
                    currency=currency,
                )
        except IntegrityError:
            return _replay(Transaction.objects.get(idempotency_key=idempotency_key), lines)

        accounts = _lock_accounts({line.account for line in lines})
        net: dict[AccountKey, Decimal] = defaultdict(Decimal)
        for line in lines:
            net[line.account] += line.amount
        for line in lines:
            account = accounts[line.account]
            if line.guard and account.balance + net[line.account] < 0:
                raise InsufficientFunds(account, -net[line.account])

        entries = []
        for line in lines:
            account = accounts[line.account]
            account.balance += line.amount
            entries.append(
                Entry(
                    transaction=txn,
                    account=account,
                    amount=line.amount,
                    balance_after=account.balance,
                )
            )
        # Rows are locked, so writing the new balances cannot lose a concurrent update.
        Account.objects.bulk_update(list(accounts.values()), ["balance"])
        Entry.objects.bulk_create(entries)
    return Posting(txn, created=True)
