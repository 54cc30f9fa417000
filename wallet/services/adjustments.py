from decimal import Decimal

from django.db import transaction

from accounts.services import audit_log
from config.money import money

from ..models import Account
from .ledger import (
    InsufficientFunds,
    Posting,
    ledger_post,
    platform_account,
    transfer,
    user_account,
)


class AdjustmentRefused(Exception):
    pass


def balance_adjust(
    *, user, amount: Decimal, reason: str, actor, idempotency_key: str, request=None
) -> Posting:
    """Credit (amount > 0) or debit (amount < 0) a shopper's available balance by hand.

    Finance only, always with a reason, audited; a debit never takes the balance below
    zero. The key (one per form shown) makes a double submit move money once.
    """
    amount = money(amount)
    if amount == 0:
        raise AdjustmentRefused("The amount must not be zero.")
    if not reason.strip():
        raise AdjustmentRefused("Say why: it shows on the shopper's statement.")
    available = user_account(user, Account.Kind.AVAILABLE)
    adjustments = platform_account(Account.Kind.ADJUSTMENTS)
    lines = (
        transfer(adjustments, available, amount)
        if amount > 0
        else transfer(available, adjustments, -amount, guard=True)
    )
    try:
        with transaction.atomic():
            posting = ledger_post(
                kind="adjustment.credit" if amount > 0 else "adjustment.debit",
                idempotency_key=f"adjustment:{idempotency_key}",
                lines=lines,
                memo=f"Adjustment: {reason}"[:255],
                reference=f"user:{user.pk}",
                actor=actor,
            )
            if posting.created:
                audit_log(
                    actor=actor,
                    action="wallet.adjust",
                    entity=user,
                    metadata={
                        "amount": str(amount),
                        "reason": reason,
                        "transaction": posting.transaction.pk,
                    },
                    request=request,
                )
    except InsufficientFunds as exc:
        raise AdjustmentRefused(
            f"That would take {user} below zero (available {exc.account.balance - amount})."
        ) from exc
    return posting
