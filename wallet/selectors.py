from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from .models import Account, Entry

ZERO = Decimal("0.00")

# Ledger kinds that count as earning (or un-earning) money, for "lifetime earned".
EARNING_KINDS = ("cashback.confirm", "cashback.reverse")


@dataclass(frozen=True)
class WalletSummary:
    available: Decimal
    pending: Decimal
    hold: Decimal
    lifetime_earned: Decimal
    currency: str


def wallet_summary(*, user) -> WalletSummary:
    currency = settings.PLATFORM_CURRENCY
    balances = dict(
        Account.objects.filter(owner=user, currency=currency).values_list("kind", "balance")
    )
    earned = Entry.objects.filter(
        account__owner=user,
        account__kind=Account.Kind.AVAILABLE,
        account__currency=currency,
        transaction__kind__in=EARNING_KINDS,
    ).aggregate(total=Sum("amount"))["total"]
    return WalletSummary(
        available=balances.get(Account.Kind.AVAILABLE, ZERO),
        pending=balances.get(Account.Kind.PENDING, ZERO),
        hold=balances.get(Account.Kind.HOLD, ZERO),
        lifetime_earned=earned or ZERO,
        currency=currency,
    )
