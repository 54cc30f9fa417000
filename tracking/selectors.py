"""Reads of tracking's rows shared by pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from config.days import day_start
from wallet.models import CashbackEvent

from .models import Click
from .services.offer_stats import COUNTED

RECENT_DAYS = 30


@dataclass(frozen=True)
class RecentActivity:
    days: int
    clicks: int
    sales: int


def shopper_recent_activity(*, user, days: int = RECENT_DAYS, today=None) -> RecentActivity:
    """A shopper's click-outs and sales over the last `days` days (today included), as the
    staff report counts them: sales by the day the shopper bought, pending or confirmed
    (a rejected or reversed sale is no sale). Two counts, each a range of one index
    ((user, created_at) on clicks, (user, sale_at) with the status on events)."""
    since = day_start((today or timezone.localdate()) - timedelta(days=days - 1))
    clicks = Click.objects.filter(user=user, created_at__gte=since).count()
    sales = CashbackEvent.objects.filter(
        user=user,
        sale_at__gte=since,
        status__in=COUNTED,
    ).count()
    return RecentActivity(days=days, clicks=clicks, sales=sales)
