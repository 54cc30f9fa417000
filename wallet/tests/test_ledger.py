from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from wallet.models import Account, AppendOnlyError, Entry, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import (
    IdempotencyConflict,
    InsufficientFunds,
    Line,
    UnbalancedPosting,
    ledger_post,
    platform_account,
    transfer,
    user_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
EXPENSE = platform_account(Account.Kind.CASHBACK_EXPENSE)


def _balance(key) -> Decimal:
    return Account.objects.get(owner_id=key.owner_id, kind=key.kind, currency=key.currency).balance


def _credit(user, amount, key="credit-1"):
    return ledger_post(
        kind="test.credit",
        idempotency_key=key,
        lines=transfer(EXPENSE, user_account(user, Account.Kind.AVAILABLE), D(amount)),
    )


def test_a_posting_moves_money_and_records_balanced_entries():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)

    posting = _credit(user, "12.50")

    assert posting.created is True
    assert _balance(available) == D("12.50")
    assert _balance(EXPENSE) == D("-12.50")
    entries = list(
        posting.transaction.entries.order_by("amount").values_list("amount", "balance_after")
    )
    assert entries == [(D("-12.50"), D("-12.50")), (D("12.50"), D("12.50"))]
    assert wallet_audit() == []


def test_same_key_twice_returns_the_first_posting_and_moves_nothing():
    user = UserFactory()

    first = _credit(user, "5.00")
    second = _credit(user, "5.00")

    assert second.created is False
    assert second.transaction.pk == first.transaction.pk
    assert _balance(user_account(user, Account.Kind.AVAILABLE)) == D("5.00")
    assert Transaction.objects.count() == 1
    assert Entry.objects.count() == 2


def test_same_key_with_other_amounts_is_an_error_and_moves_nothing():
    user = UserFactory()
    _credit(user, "5.00")

    with pytest.raises(IdempotencyConflict):
        _credit(user, "6.00")

    assert _balance(user_account(user, Account.Kind.AVAILABLE)) == D("5.00")
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (lambda u: [Line(EXPENSE, D("-1.00")), Line(u, D("2.00"))], "sum to zero"),
        (lambda u: [Line(EXPENSE, D("-1.005")), Line(u, D("1.005"))], "in cents"),
        (lambda u: [Line(EXPENSE, -1.0), Line(u, 1.0)], "in cents"),
        (lambda u: [Line(u, D("0.00"))], "at least two"),
        (
            lambda u: [
                Line(platform_account("fee_revenue", "EUR"), D("-1.00")),
                Line(u, D("1.00")),
            ],
            "one currency",
        ),
    ],
    ids=["unbalanced", "sub-cent", "float", "empty", "two-currencies"],
)
def test_malformed_postings_are_refused_before_touching_the_database(lines, message):
    user = user_account(UserFactory(), Account.Kind.AVAILABLE)

    with pytest.raises(UnbalancedPosting, match=message):
        ledger_post(kind="test", idempotency_key="bad", lines=lines(user))

    assert Transaction.objects.count() == 0
    assert Account.objects.count() == 0


def test_a_guarded_line_cannot_overdraw_and_nothing_moves():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    hold = user_account(user, Account.Kind.HOLD)
    _credit(user, "10.00")

    with pytest.raises(InsufficientFunds):
        ledger_post(
            kind="test.spend",
            idempotency_key="spend-1",
            lines=transfer(available, hold, D("10.01"), guard=True),
        )

    assert _balance(available) == D("10.00")
    assert not Transaction.objects.filter(idempotency_key="spend-1").exists()
    ledger_post(
        kind="test.spend",
        idempotency_key="spend-2",
        lines=transfer(available, hold, D("10.00"), guard=True),
    )
    assert (_balance(available), _balance(hold)) == (D("0.00"), D("10.00"))


def test_an_unguarded_debit_may_go_negative():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)

    ledger_post(
        kind="test.reverse", idempotency_key="rev", lines=transfer(available, EXPENSE, D("3.00"))
    )

    assert _balance(available) == D("-3.00")
    assert wallet_audit() == []


def test_entries_and_transactions_are_append_only():
    posting = _credit(UserFactory(), "1.00")
    entry = posting.transaction.entries.first()

    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(amount=D("2.00"))
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.all().delete()
    assert Entry.objects.get(pk=entry.pk).amount == entry.amount


def test_wallet_audit_passes_on_sound_books_and_fails_on_a_corrupted_balance(capsys):
    user = UserFactory()
    _credit(user, "7.00")
    call_command("wallet_audit")
    assert "every invariant holds" in capsys.readouterr().out

    Account.objects.filter(owner=user).update(balance=D("70.00"))

    with pytest.raises(CommandError, match=r"found 2 problem\(s\)"):
        call_command("wallet_audit")
    err = capsys.readouterr().err
    assert "caches balance 70.00 but its entries sum to 7.00" in err
    assert "caches balance 70.00 but its last entry says 7.00" in err
