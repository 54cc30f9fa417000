"""The per-day figures behind the affiliate manager's top lists, recounted from the daily
click rollup and the conversions, so the page reads a few thousand rows, not millions.
Conversions count on the day the customer converted (`converted_at`)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.days import day_start

from ..models import CampaignDailyStats, Conversion, DailyClicks, PartnerDailyStats
from ..top_lists_cache import stats_changed

# Statuses change for weeks (approvals, declines): the trailing window is recounted.
WINDOW_DAYS = 35
LOCK = "affiliates:daily-stats-refresh"


def daily_stats_refresh(*, days: int | None = WINDOW_DAYS, today: date | None = None) -> int:
    """Recount the last `days` days (all of them with days=None); returns the rows
    written, or -1 when another run holds the lock."""
    if not cache.add(LOCK, 1, timeout=600):
        return -1
    try:
        return _recount(_since(days, today))
    finally:
        cache.delete(LOCK)


def _since(days: int | None, today: date | None) -> date:
    if days is not None:
        since = (today or timezone.localdate()) - timedelta(days=days - 1)
        # A conversion reported in the window may have converted before it: reach back to
        # its day, or that day's figures would miss it until a full recount.
        reported = Conversion.objects.filter(created_at__gte=day_start(since)).aggregate(
            first=Min("converted_at")
        )["first"]
        return min(since, timezone.localdate(reported)) if reported else since
    # Everything: from the oldest day of data, or of figures with no data behind them.
    oldest = Conversion.objects.aggregate(first=Min("converted_at"))["first"]
    candidates = [
        DailyClicks.objects.aggregate(first=Min("day"))["first"],
        CampaignDailyStats.objects.aggregate(first=Min("day"))["first"],
        PartnerDailyStats.objects.aggregate(first=Min("day"))["first"],
        oldest and timezone.localdate(oldest),
    ]
    return min((d for d in candidates if d), default=timezone.localdate())


def _recount(since: date) -> int:
    conversions = (
        # A sale is never dated after we heard of it (beyond the allowed clock skew), so
        # the created_at bound only narrows the read to its index; converted_at decides.
        Conversion.objects.filter(
            created_at__gte=day_start(since) - timedelta(seconds=settings.SALE_DATE_CLOCK_SKEW),
            converted_at__gte=day_start(since),
        )
        .exclude(status=Conversion.Status.DECLINED)
        .annotate(day=TruncDate("converted_at"))
    )
    campaigns: dict[tuple, dict] = {}
    for campaign, day, clicks, unique in (
        DailyClicks.objects.filter(day__gte=since)
        .values_list("campaign_id", "day")
        .annotate(c=Sum("clicks"), u=Sum("unique_clicks"))
        .order_by()
    ):
        campaigns[campaign, day] = {"clicks": clicks, "unique_clicks": unique}
    for campaign, day, n, earned, sales in (
        conversions.values_list("campaign_id", "day")
        .annotate(n=Count("pk"), e=Sum("commission"), s=Sum("amount"))
        .order_by()
    ):
        campaigns.setdefault((campaign, day), {}).update(
            conversions=n, earnings=earned, sales=sales
        )
    partners = [
        PartnerDailyStats(partner_id=partner, day=day, conversions=n, earnings=earned, on_hold=held)
        for partner, day, n, earned, held in conversions.values_list("partner_id", "day")
        .annotate(n=Count("pk"), e=Sum("commission"), h=Count("pk", filter=Q(on_hold=True)))
        .order_by()
    ]
    with transaction.atomic():
        CampaignDailyStats.objects.filter(day__gte=since).delete()
        PartnerDailyStats.objects.filter(day__gte=since).delete()
        CampaignDailyStats.objects.bulk_create(
            (
                CampaignDailyStats(campaign_id=campaign, day=day, **figures)
                for (campaign, day), figures in campaigns.items()
            ),
            batch_size=2000,
        )
        PartnerDailyStats.objects.bulk_create(partners, batch_size=2000)
    stats_changed()
    return len(campaigns) + len(partners)
