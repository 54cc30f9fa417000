"""Money in test data always arrives through the real services, so the books balance."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from offers.tests.factories import MerchantFactory
from wallet.models import Account, CashbackEvent
from wallet.services.cashback import cashback_record
from wallet.services.confirmation import cashback_confirm
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account


def recorded_event(
    user,
    *,
    cashback="5.00",
    commission=None,
    status="pending",
    merchant=None,
    lock_days=30,
    age_days=0,
    auto_confirm=True,
    txn=None,
) -> CashbackEvent:
    """A sale reported for `user`, `age_days` old, on a store with a `lock_days` lock."""
    merchant = merchant or MerchantFactory(confirmation_days=lock_days)
    if not auto_confirm:
        merchant.network.confirmation_policy = "network"
        merchant.network.save()
    event = cashback_record(
        user_id=user.pk,
        network=merchant.network,
        merchant=merchant,
        offer_id=None,
        click_uuid=uuid.uuid4(),
        txn_id=txn or uuid.uuid4().hex[:12],
        sale_amount=Decimal("100.00"),
        commission=Decimal(commission or cashback),
        cashback=Decimal(cashback),
        currency="USD",
        network_status=status,
    ).event
    if age_days:
        created = timezone.now() - timedelta(days=age_days)
        CashbackEvent.objects.filter(pk=event.pk).update(
            created_at=created,
            expected_confirmation_at=created + timedelta(days=merchant.confirmation_days),
        )
        event.refresh_from_db()
    return event


def give_available(user, amount: str) -> None:
    """Put confirmed cashback in the user's available balance."""
    cashback_confirm(event=recorded_event(user, cashback=amount))


def balances(user) -> dict[str, Decimal]:
    found = dict(Account.objects.filter(owner=user).values_list("kind", "balance"))
    return {kind: found.get(kind, Decimal("0.00")) for kind in ("available", "pending", "hold")}


def spend(user, amount: str, key: str) -> None:
    """Move money out of available as a withdrawal would (guarded)."""
    ledger_post(
        kind="test.spend",
        idempotency_key=key,
        lines=transfer(
            user_account(user, Account.Kind.AVAILABLE),
            platform_account(Account.Kind.PAYOUT_CLEARING),
            Decimal(amount),
            guard=True,
        ),
    )
