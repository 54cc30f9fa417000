"""Partner numbers: dashboards, reports, and the affiliate manager's top lists.

Clicks come from DailyClicks (rolled up from the raw clicks every minute), a partner's
conversions and earnings straight from the conversions table, through an index that holds
every column these queries read (hence COUNT(*), not COUNT(id)); the top lists across
all partners from the daily stats. Nothing here scans raw click rows. Conversions count on
the day the customer converted (`converted_at`), not the day the advertiser told us.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.models import Campaign
from config.days import day_start, days_range
from config.errors import Refusal
from config.money import money

from .models import (
    CampaignDailyStats,
    Conversion,
    DailyClicks,
    Link,
    Partner,
    PartnerDailyStats,
)
from .top_lists_cache import cached_sums

ZERO = Decimal("0.00")
GROUPS = ("day", "campaign", "goal", "sub1")


def _rate(conversions: int, clicks: int) -> Decimal:
    return (
        (Decimal(conversions) * 100 / clicks).quantize(Decimal("0.01"))
        if clicks
        else Decimal("0.00")
    )


@dataclass(frozen=True)
class Dashboard:
    links: int
    clicks: int
    unique_clicks: int
    conversions: int
    pending: Decimal
    approved: Decimal
    paid: Decimal
    conversion_rate: Decimal
    daily: list[dict]


def partner_dashboard(*, partner: Partner, days: int = 30, today: date | None = None) -> Dashboard:
    """The seed's affiliate dashboard: the last `days` days, and a per-day series."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    # One grouped read per table: the window's totals are the sums of its groups.
    per_day_clicks = {
        day: (total, unique)
        for day, total, unique in DailyClicks.objects.filter(partner=partner, day__gte=since)
        .values_list("day")
        .annotate(c=Sum("clicks"), u=Sum("unique_clicks"))
        .order_by()
    }
    groups = (
        Conversion.objects.filter(partner=partner, converted_at__gte=day_start(since))
        .exclude(status=Conversion.Status.DECLINED)
        .annotate(day=TruncDate("converted_at"))
        .values_list("day", "status")
        .annotate(n=Count("*"), earned=Sum("commission"))
        .order_by()
    )
    by_status: dict[str, Decimal] = defaultdict(lambda: ZERO)
    per_day: dict[date, dict] = defaultdict(lambda: {"n": 0, "earned": ZERO})
    for day, status, n, earned in groups:
        by_status[status] += earned or ZERO
        per_day[day]["n"] += n
        per_day[day]["earned"] += earned or ZERO
    count = sum(row["n"] for row in per_day.values())
    daily = []
    for offset in range(days):
        day = since + timedelta(days=offset)
        row = per_day.get(day, {})
        daily.append(
            {
                "day": day.isoformat(),
                "clicks": per_day_clicks.get(day, (0, 0))[0],
                "conversions": row.get("n", 0),
                "earnings": str(money(row.get("earned") or ZERO)),
            }
        )
    total_clicks = sum(total for total, _unique in per_day_clicks.values())
    return Dashboard(
        links=Link.objects.filter(partner=partner, status=Link.Status.ACTIVE).count(),
        clicks=total_clicks,
        unique_clicks=sum(unique for _total, unique in per_day_clicks.values()),
        conversions=count,
        pending=money(by_status.get(Conversion.Status.PENDING) or ZERO),
        approved=money(by_status.get(Conversion.Status.APPROVED) or ZERO),
        paid=money(by_status.get(Conversion.Status.PAID) or ZERO),
        conversion_rate=_rate(count, total_clicks),
        daily=daily,
    )


def partner_report(
    *,
    partner: Partner,
    group_by: str,
    date_from: date,
    date_to: date,
    campaign_id: int | None = None,
) -> list[dict]:
    """Clicks, unique clicks, conversions and earnings per day, campaign, goal or sub1.

    Clicks have no goal (the goal is known only when a conversion arrives), so a report by
    goal shows conversions and earnings only.
    """
    if group_by not in GROUPS:
        raise Refusal("invalid_choice", f"group_by is one of {', '.join(GROUPS)}.", "group_by")
    clicks = DailyClicks.objects.filter(partner=partner, day__gte=date_from, day__lte=date_to)
    start, end = days_range(date_from, date_to)
    conversions = Conversion.objects.filter(
        partner=partner, converted_at__gte=start, converted_at__lt=end
    ).exclude(status=Conversion.Status.DECLINED)
    if campaign_id:
        clicks, conversions = (
            clicks.filter(campaign_id=campaign_id),
            conversions.filter(campaign_id=campaign_id),
        )
    click_key = {"day": "day", "campaign": "campaign_id", "sub1": "sub1"}.get(group_by)
    conversion_key = {
        "day": "day",
        "campaign": "campaign_id",
        "goal": "goal__tracking_code",
        "sub1": "sub1",
    }[group_by]
    if group_by == "day":
        conversions = conversions.annotate(day=TruncDate("converted_at"))
    rows: dict = {}
    if click_key:
        for row in (
            clicks.values(click_key).annotate(c=Sum("clicks"), u=Sum("unique_clicks")).order_by()
        ):
            rows.setdefault(row[click_key], {}).update(clicks=row["c"], unique_clicks=row["u"])
    for row in (
        conversions.values(conversion_key).annotate(n=Count("*"), e=Sum("commission")).order_by()
    ):
        rows.setdefault(row[conversion_key], {}).update(conversions=row["n"], earnings=row["e"])
    names = (
        dict(Campaign.objects.filter(pk__in=rows).values_list("pk", "name"))
        if group_by == "campaign"
        else {}
    )
    report = []
    # Keys of one grouping are all dates, ids or strings: natural order (campaign 9
    # before 10), not the order of their text.
    for key in sorted(rows, key=lambda k: (k is None, k if k is not None else "")):
        row = rows[key]
        clicks_n = row.get("clicks", 0) if click_key else None
        report.append(
            {
                "group": key.isoformat() if isinstance(key, date) else key,
                "label": names.get(key, key.isoformat() if isinstance(key, date) else key),
                "clicks": clicks_n,
                "unique_clicks": row.get("unique_clicks", 0) if click_key else None,
                "conversions": row.get("conversions", 0),
                "earnings": str(money(row.get("earnings") or ZERO)),
                "conversion_rate": str(_rate(row.get("conversions", 0), clicks_n))
                if click_key
                else None,
            }
        )
    return report


def _campaign_rows(clicked: dict, converted: dict, limit: int) -> list[dict]:
    """The seed's "top performing campaigns": active campaigns with clicks in the window,
    by earnings, then conversion rate."""
    rows = []
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE, pk__in=clicked):
        stats = converted.get(campaign.pk, {})
        conversions = stats.get("n") or 0
        rows.append(
            {
                "campaign": campaign,
                "clicks": clicked[campaign.pk],
                "conversions": conversions,
                "earnings": money(stats.get("earned") or ZERO),
                "avg_conversion_value": money(
                    (stats.get("sales") or ZERO) / conversions if conversions else ZERO
                ),
                "conversion_rate": _rate(conversions, clicked[campaign.pk]),
            }
        )
    rows.sort(key=lambda r: (r["earnings"], r["conversion_rate"]), reverse=True)
    return rows[:limit]


def top_campaigns(*, days: int = 30, limit: int = 10) -> list[dict]:
    """Across all partners, from the daily stats (recounted every minute)."""
    since = timezone.localdate() - timedelta(days=days - 1)

    def sums():
        window = CampaignDailyStats.objects.filter(day__gte=since).values("campaign_id")
        window = window.order_by().annotate(
            clicks=Sum("clicks"), n=Sum("conversions"), earned=Sum("earnings"), sales=Sum("sales")
        )
        return {r.pop("campaign_id"): r for r in window}

    window = cached_sums(f"campaigns:{since}", sums)
    clicked = {pk: r["clicks"] for pk, r in window.items() if r["clicks"]}
    return _campaign_rows(clicked, window, limit)


def partner_top_campaigns(*, partner: Partner, days: int = 30, limit: int = 5) -> list[dict]:
    """One partner's own, live (their rows are few, and indexed by partner)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    clicks = DailyClicks.objects.filter(partner=partner, day__gte=since)
    clicked = dict(clicks.values_list("campaign_id").annotate(n=Sum("clicks")).order_by())
    converted = {
        row["campaign_id"]: row
        for row in Conversion.objects.filter(partner=partner, converted_at__gte=day_start(since))
        .exclude(status=Conversion.Status.DECLINED)
        .values("campaign_id")
        .annotate(n=Count("*"), earned=Sum("commission"), sales=Sum("amount"))
        .order_by()
    }
    return _campaign_rows(clicked, converted, limit)


def top_partners(*, days: int = 30, limit: int = 10) -> list[dict]:
    """By earnings (not declined), from the daily stats."""
    since = timezone.localdate() - timedelta(days=days - 1)
    earned = cached_sums(
        f"partners:{since}:{limit}",
        lambda: list(
            PartnerDailyStats.objects.filter(day__gte=since)
            .values("partner_id")
            .annotate(n=Sum("conversions"), earned=Sum("earnings"), held=Sum("on_hold"))
            .order_by("-earned", "partner_id")[:limit]
        ),
    )
    partners = Partner.objects.in_bulk([row["partner_id"] for row in earned])
    return [
        {
            "partner": partners[row["partner_id"]],
            "conversions": row["n"],
            "earnings": money(row["earned"] or ZERO),
            "on_hold": row["held"],
        }
        for row in earned
    ]
