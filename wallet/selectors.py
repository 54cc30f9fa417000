from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from config.days import day_start
from config.money import money

from .models import Account, CashbackEvent, Entry

ZERO = Decimal("0.00")


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
    # Confirmed cashback still standing: a reversal takes back the whole amount and marks
    # the event reversed, so this equals the ledger's confirmations minus reversals, read
    # from one index instead of joining every ledger line to its transaction.
    earned = CashbackEvent.objects.filter(
        user=user, currency=currency, status=CashbackEvent.Status.CONFIRMED
    ).aggregate(total=Sum("cashback_amount"))["total"]
    return WalletSummary(
        available=balances.get(Account.Kind.AVAILABLE, ZERO),
        pending=balances.get(Account.Kind.PENDING, ZERO),
        hold=balances.get(Account.Kind.HOLD, ZERO),
        lifetime_earned=money(earned or ZERO),  # SQLite sums decimals as floats
        currency=currency,
    )


def statement_entries(*, user, kind: str = Account.Kind.AVAILABLE):
    """The user's ledger lines on one of their accounts, newest first (each knows its
    balance after, and so before)."""
    return (
        Entry.objects.filter(account__owner=user, account__kind=kind)
        .select_related("transaction")
        .order_by("-id")
    )


def upcoming_confirmations(*, user, limit: int = 5):
    return (
        CashbackEvent.objects.filter(user=user, status=CashbackEvent.Status.PENDING)
        .select_related("merchant")
        .order_by("expected_confirmation_at")[:limit]
    )


def monthly_earnings(*, user, months: int = 12, today=None) -> list[dict]:
    """Cashback per month of its sale (a sale reported late still counts in the month the
    shopper bought), split confirmed / pending, for the last `months` months including
    this one, oldest first. Read through the (user, sale_at) index."""
    today = today or timezone.localdate()
    first = today.replace(day=1) - relativedelta(months=months - 1)
    rows = (
        CashbackEvent.objects.filter(
            user=user,
            sale_at__gte=day_start(first),
            status__in=[CashbackEvent.Status.PENDING, CashbackEvent.Status.CONFIRMED],
        )
        .annotate(month=TruncMonth("sale_at"))
        .values("month", "status")
        .annotate(total=Sum("cashback_amount"))
    )
    # TruncMonth over a DateTimeField gives the month's first instant (in TIME_ZONE).
    totals = {(row["month"].date(), row["status"]): row["total"] for row in rows}
    series = []
    for step in range(months):
        month = first + relativedelta(months=step)
        series.append(
            {
                "month": month.strftime("%b %Y"),
                "confirmed": str(money(totals.get((month, "confirmed")) or ZERO)),
                "pending": str(money(totals.get((month, "pending")) or ZERO)),
            }
        )
    return series
