import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from offers.models import CashbackTerms
from offers.tests.factories import MerchantFactory
from wallet.models import Account, CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.cashback import (
    CashbackRefused,
    cashback_record,
    cashback_reject,
    cashback_reverse,
)
from wallet.services.confirmation import cashback_confirm
from wallet.services.ledger import ledger_post, transfer, user_account
from wallet.services.rules import cashback_amount

D = Decimal


@pytest.mark.parametrize(
    ("terms", "sale", "commission", "expected"),
    [
        (CashbackTerms("percentage", D("5"), None, False), "100.00", "8.00", "5.00"),
        # capped by the network's commission...
        (CashbackTerms("percentage", D("10"), None, False), "100.00", "8.00", "8.00"),
        # ...unless the merchant pays more on purpose
        (CashbackTerms("percentage", D("10"), None, True), "100.00", "8.00", "10.00"),
        # capped by the terms' maximum
        (CashbackTerms("percentage", D("10"), D("4.00"), False), "100.00", "8.00", "4.00"),
        (CashbackTerms("fixed", D("3.00"), None, False), "999.99", "8.00", "3.00"),
        (CashbackTerms("fixed", D("3.00"), None, False), "10.00", "1.25", "1.25"),
        # rounded once, half up: 2.5% of 10.10 = 0.2525 -> 0.25; of 10.30 = 0.2575 -> 0.26
        (CashbackTerms("percentage", D("2.5"), None, False), "10.10", "5.00", "0.25"),
        (CashbackTerms("percentage", D("2.5"), None, False), "10.30", "5.00", "0.26"),
        (CashbackTerms("percentage", D("5"), None, False), "0.00", "0.00", "0.00"),
    ],
)
def test_cashback_rule(terms, sale, commission, expected):
    assert cashback_amount(terms=terms, sale_amount=D(sale), commission=D(commission)) == D(
        expected
    )


def _record(user, merchant, txn="T1", status="pending", cashback="5.00", commission="8.00"):
    return cashback_record(
        user_id=user.pk,
        network=merchant.network,
        merchant=merchant,
        offer_id=None,
        click_uuid=uuid.uuid4(),
        txn_id=txn,
        sale_amount=D("100.00"),
        commission=D(commission),
        cashback=D(cashback),
        currency="USD",
        network_status=status,
    )


def _balances(user):
    balances = dict(Account.objects.filter(owner=user).values_list("kind", "balance"))
    return balances.get("pending", D("0.00")), balances.get("available", D("0.00"))


pytestmark = pytest.mark.django_db


def test_recording_credits_pending_once_with_the_merchants_lock_period():
    user, merchant = UserFactory(), MerchantFactory(confirmation_days=45)

    outcome = _record(user, merchant)

    event = outcome.event
    assert (outcome.created, outcome.duplicate) == (True, False)
    assert (event.status, event.network_status) == ("pending", "pending")
    lock = event.expected_confirmation_at - event.created_at
    assert abs(lock - timedelta(days=45)) < timedelta(seconds=5)
    assert _balances(user) == (D("5.00"), D("0.00"))
    platform = dict(Account.objects.filter(owner=None).values_list("kind", "balance"))
    assert platform == {
        "cashback_expense": D("-5.00"),
        "commission_revenue": D("-8.00"),
        "network_receivable": D("8.00"),
    }
    assert wallet_audit() == []


def test_the_same_report_again_is_a_duplicate_and_moves_nothing():
    user, merchant = UserFactory(), MerchantFactory()
    _record(user, merchant)

    again = _record(user, merchant)

    assert again.duplicate is True
    assert CashbackEvent.objects.count() == 1
    assert Transaction.objects.count() == 1
    assert _balances(user) == (D("5.00"), D("0.00"))


def test_rejection_takes_the_pending_credit_back():
    user, merchant = UserFactory(), MerchantFactory()
    _record(user, merchant)

    outcome = _record(user, merchant, status="rejected")

    assert outcome.changed is True
    assert (outcome.event.status, outcome.event.network_status) == ("rejected", "rejected")
    assert outcome.event.rejected_at is not None
    assert _balances(user) == (D("0.00"), D("0.00"))
    assert list(Transaction.objects.order_by("id").values_list("kind", flat=True)) == [
        "cashback.pending",
        "cashback.reject",
    ]
    assert wallet_audit() == []


def test_approval_then_reversal_before_confirmation():
    user, merchant = UserFactory(), MerchantFactory()
    _record(user, merchant)

    approved = _record(user, merchant, status="approved").event
    reversed_ = _record(user, merchant, status="reversed").event

    assert approved.network_approved_at is not None
    assert (reversed_.status, reversed_.network_status) == ("reversed", "reversed")
    assert _balances(user) == (D("0.00"), D("0.00"))
    assert wallet_audit() == []


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("rejected", "approved"),
        ("rejected", "pending"),
        ("reversed", "approved"),
        ("reversed", "pending"),
    ],
)
def test_moves_outside_the_table_are_refused_and_change_nothing(first, then):
    user, merchant = UserFactory(), MerchantFactory()
    _record(user, merchant, status=first)
    before = (_balances(user), Transaction.objects.count())

    with pytest.raises(CashbackRefused) as refused:
        _record(user, merchant, status=then)

    assert refused.value.code == "invalid_transition"
    assert f"is {first}; it cannot become {then}" in refused.value.detail
    assert (_balances(user), Transaction.objects.count()) == before
    assert CashbackEvent.objects.get().network_status == first


def test_a_first_report_of_rejected_records_the_sale_without_money():
    user, merchant = UserFactory(), MerchantFactory()

    event = _record(user, merchant, status="rejected").event

    assert event.status == "rejected"
    assert Transaction.objects.count() == 0


def test_confirm_moves_pending_to_available_exactly_once():
    user, merchant = UserFactory(), MerchantFactory()
    event = _record(user, merchant).event

    assert cashback_confirm(event=event) is True
    assert cashback_confirm(event=event) is False

    event.refresh_from_db()
    assert event.status == "confirmed"
    assert _balances(user) == (D("0.00"), D("5.00"))
    assert wallet_audit() == []


def test_reversal_after_spending_leaves_a_negative_balance_that_new_cashback_repays():
    user, merchant = UserFactory(), MerchantFactory()
    first = _record(user, merchant, txn="T1").event
    cashback_confirm(event=first)
    available = user_account(user, Account.Kind.AVAILABLE)
    hold = user_account(user, Account.Kind.HOLD)
    ledger_post(
        kind="test.withdraw",
        idempotency_key="w1",
        lines=transfer(available, hold, D("5.00"), guard=True),
    )

    assert cashback_reverse(event=first, reason="chargeback") is True
    assert _balances(user) == (D("0.00"), D("-5.00"))

    second = _record(user, merchant, txn="T2", cashback="7.00").event
    cashback_confirm(event=second)
    assert _balances(user) == (D("0.00"), D("2.00"))
    assert wallet_audit() == []


def test_zero_cashback_and_zero_commission_moves_no_money():
    user, merchant = UserFactory(), MerchantFactory()

    event = _record(user, merchant, cashback="0.00", commission="0.00").event

    assert event.status == "pending"
    assert Transaction.objects.count() == 0
    assert cashback_reject(event=event, reason="test") is True
    assert Transaction.objects.count() == 0
