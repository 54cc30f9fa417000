"""ledger_post_many, the batch path every job pays through: the same rules as ledger_post,
one batch at a time, all or nothing."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from wallet.models import Account, Entry, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import (
    IdempotencyConflict,
    InsufficientFunds,
    PostingRequest,
    UnbalancedPosting,
    ledger_post,
    ledger_post_many,
    platform_account,
    transfer,
    user_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
EXPENSE = platform_account(Account.Kind.CASHBACK_EXPENSE)


def _balance(key) -> Decimal:
    account = Account.objects.filter(owner_id=key.owner_id, kind=key.kind, currency=key.currency)
    return account.values_list("balance", flat=True).first() or D("0.00")


def _request(key: str, source, target, amount: str, *, guard=False) -> PostingRequest:
    return PostingRequest("test.batch", key, transfer(source, target, D(amount), guard=guard))


def _snapshot():
    return (
        list(Account.objects.order_by("pk").values_list("pk", "balance")),
        Transaction.objects.count(),
        Entry.objects.count(),
    )


def test_a_batch_posts_in_order_and_each_entry_carries_the_running_balance():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)

    postings = ledger_post_many(
        [
            _request(f"credit-{n}", EXPENSE, available, amount)
            for n, amount in enumerate(["1.00", "2.50", "0.25"])
        ]
    )

    assert [p.created for p in postings] == [True, True, True]
    assert _balance(available) == D("3.75")
    assert list(
        Entry.objects.filter(account__owner=user)
        .order_by("pk")
        .values_list("amount", "balance_after")
    ) == [(D("1.00"), D("1.00")), (D("2.50"), D("3.50")), (D("0.25"), D("3.75"))]
    assert wallet_audit() == []


def test_a_guarded_overdraw_inside_a_batch_refuses_the_whole_batch_and_moves_nothing():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    hold = user_account(user, Account.Kind.HOLD)
    ledger_post_many([_request("fund", EXPENSE, available, "10.00")])
    before = _snapshot()

    with pytest.raises(InsufficientFunds) as refused:
        ledger_post_many(
            [
                _request(
                    "other-shopper", EXPENSE, user_account(UserFactory(), "available"), "4.00"
                ),
                _request("spend-1", available, hold, "6.00", guard=True),
                _request("spend-2", available, hold, "6.00", guard=True),  # 2.00 short
            ]
        )

    assert refused.value.shortfall == D("2.00")
    assert _snapshot()[1:] == before[1:]  # no transaction, no entry, not even the first two
    assert _balance(available) == D("10.00")
    assert _balance(hold) == D("0.00")
    assert not Transaction.objects.filter(idempotency_key__in=["other-shopper", "spend-1"]).exists()
    assert wallet_audit() == []


def test_a_batch_may_spend_what_an_earlier_posting_in_it_brings_in():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    hold = user_account(user, Account.Kind.HOLD)

    ledger_post_many(
        [
            _request("in", EXPENSE, available, "5.00"),
            _request("out", available, hold, "5.00", guard=True),
        ]
    )

    assert (_balance(available), _balance(hold)) == (D("0.00"), D("5.00"))


def test_keys_posted_before_are_replayed_and_the_rest_posted():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    first = ledger_post(
        kind="test.batch", idempotency_key="a", lines=transfer(EXPENSE, available, D("1.00"))
    )

    postings = ledger_post_many(
        [_request("a", EXPENSE, available, "1.00"), _request("b", EXPENSE, available, "2.00")]
    )

    assert [p.created for p in postings] == [False, True]
    assert postings[0].transaction.pk == first.transaction.pk
    assert _balance(available) == D("3.00")
    assert Transaction.objects.filter(idempotency_key__in=["a", "b"]).count() == 2


def test_a_key_posted_before_with_other_amounts_refuses_the_whole_batch():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    ledger_post(
        kind="test.batch", idempotency_key="a", lines=transfer(EXPENSE, available, D("1.00"))
    )
    before = _snapshot()

    with pytest.raises(IdempotencyConflict):
        ledger_post_many(
            [_request("b", EXPENSE, available, "2.00"), _request("a", EXPENSE, available, "9.00")]
        )

    assert _snapshot() == before
    assert not Transaction.objects.filter(idempotency_key="b").exists()


def test_one_key_twice_in_a_batch_is_refused_before_the_database():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)

    with pytest.raises(UnbalancedPosting, match="its own idempotency key"):
        ledger_post_many(
            [_request("a", EXPENSE, available, "1.00"), _request("a", EXPENSE, available, "1.00")]
        )

    assert Transaction.objects.count() == 0


def test_a_big_batch_takes_the_array_path_with_the_same_results():
    """60 postings: on PostgreSQL the transactions and entries go in from arrays."""
    users = UserFactory.create_batch(3)
    keys = [user_account(u, Account.Kind.AVAILABLE) for u in users]

    ledger_post_many(
        [
            _request(f'k"{n}\\,{{x}}', EXPENSE, keys[n % 3], f"{n}.{n % 100:02d}")
            for n in range(1, 61)
        ]
    )

    expected = [sum(D(f"{n}.{n % 100:02d}") for n in range(1, 61) if n % 3 == i) for i in range(3)]
    assert [_balance(k) for k in keys] == expected
    assert _balance(EXPENSE) == -sum(expected)
    assert Transaction.objects.filter(idempotency_key='k"7\\,{x}').count() == 1
    assert Entry.objects.count() == 120
    assert wallet_audit() == []
