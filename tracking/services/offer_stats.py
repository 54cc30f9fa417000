"""The offers' and stores' daily figures (offers.OfferDailyStats, MerchantDailyStats):
what the staff report of top offers and the home page's popular offers read.

Two halves, run by the same minute job as the counters (`rollup_counters`):
- clicks only ever arrive, so they are added like every other counter: what is new
  since the last run, by id, under a watermark (`_roll_up`);
- a sale's status changes for weeks (confirmed, rejected, reversed), so the sales
  columns of every day on which an event was reported or moved since the last run are
  counted again from the events of that day. The events' `updated_at` says which; their
  `sale_at` index reads the day.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.days import day_start
from config.money import money
from offers.home import popular_ranking_refresh
from offers.models import MerchantDailyStats, OfferDailyStats
from wallet.models import CashbackEvent

from ..models import Click, RollupState
from .retention import pruned_before
from .rollups import SETTLE, _roll_up

CLICKS = "offer_daily_clicks"
SALES = "offer_daily_sales"
# Sales are what a shopper bought and still stands to earn from: rejected and reversed
# events are not sales.
COUNTED = (CashbackEvent.Status.PENDING, CashbackEvent.Status.CONFIRMED)
ONE_DAY = timedelta(days=1)
SALES_COLUMNS = ("sales", "approved_sales", "priced_sales", "sale_amount", "cashback", "commission")


def offer_stats_roll_up(*, batch_size: int = 50_000) -> dict[str, int]:
    """Add new clicks, recount the days whose sales changed, refresh the home page's
    ranking; returns the clicks read and the days recounted."""
    clicks = _roll_up(CLICKS, Click, batch_size, _add_clicks)
    days = _recount_changed_days()
    popular_ranking_refresh()
    return {CLICKS: clicks, SALES: days}


def offer_stats_rebuild(*, batch_size: int = 200_000) -> dict[str, int]:
    """Everything again from the raw clicks and events, in one transaction (readers see
    the old figures or the new ones)."""
    clicks = 0
    with transaction.atomic():
        sales_state, _ = _lock_watermarks()
        started = timezone.now()
        offers, merchants = OfferDailyStats.objects.all(), MerchantDailyStats.objects.all()
        # Days behind the prune boundary keep their clicks: their raw clicks are gone (the
        # roll-up reads only those after it); their sales are recounted like every day's.
        if (boundary := pruned_before(Click)) is not None:
            first_day = timezone.localdate(boundary)
            offers = offers.filter(day__gte=first_day)
            merchants = merchants.filter(day__gte=first_day)
        offers.delete()
        merchants.delete()
        RollupState.objects.filter(name=CLICKS).update(last_id=0)
        while read := _roll_up(CLICKS, Click, batch_size, _add_clicks):
            clicks += read
        days = _recount(None)
        RollupState.objects.filter(pk=sales_state.pk).update(updated_at=started)
    popular_ranking_refresh()
    return {CLICKS: clicks, SALES: days}


# --- clicks ---------------------------------------------------------------------------

# Adds to an existing day's row (ON CONFLICT … DO UPDATE works on PostgreSQL and SQLite);
# a window's groups are distinct, so no row is hit twice in one statement.
UPSERT_CLICKS = (
    "INSERT INTO {table} (day, {key}, clicks, {zeros}) VALUES {rows} "
    "ON CONFLICT (day, {key}) DO UPDATE SET clicks = {table}.clicks + excluded.clicks"
)


def _add_clicks(window) -> None:
    groups = (
        window.annotate(day=TruncDate("created_at"))
        .values_list("merchant_id", "offer_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_offer: dict[tuple, int] = {}
    per_merchant: dict[tuple, int] = defaultdict(int)
    for merchant_id, offer_id, day, n in groups:
        if offer_id is not None:
            per_offer[day, offer_id] = n
        per_merchant[day, merchant_id] += n  # store-wide click-outs too
    _upsert_clicks(OfferDailyStats, "offer_id", per_offer)
    _upsert_clicks(MerchantDailyStats, "merchant_id", per_merchant)


def _upsert_clicks(model, key: str, counts: dict[tuple, int]) -> None:
    rows = [(day, pk, n) for (day, pk), n in counts.items()]
    zeros = ", ".join(SALES_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            values = ", ".join(
                ["(%s, %s, %s, " + ", ".join(["0"] * len(SALES_COLUMNS)) + ")"] * len(part)
            )
            cursor.execute(
                UPSERT_CLICKS.format(table=model._meta.db_table, key=key, zeros=zeros, rows=values),
                [value for row in part for value in row],
            )


# --- sales ----------------------------------------------------------------------------

UPSERT_SALES = (
    "INSERT INTO {table} (day, {key}, clicks, {columns}) VALUES {rows} "
    "ON CONFLICT (day, {key}) DO UPDATE SET {assignments}"
)


def _lock_watermarks() -> tuple[RollupState, bool]:
    """Every writer of the figure rows holds the clicks watermark, always taken first: the
    clicks half, the sales half and the rebuild each write many rows in their own order,
    and two of them at once could each wait for a row the other holds (a deadlock)."""
    RollupState.objects.select_for_update().get_or_create(name=CLICKS)
    return RollupState.objects.select_for_update().get_or_create(name=SALES)


def _recount_changed_days() -> int:
    with transaction.atomic():
        state, created = _lock_watermarks()
        started = timezone.now()
        if created:
            days = None  # never run: every day
        else:
            # An event moved in a transaction still open when the last run read is
            # dated before that run started: the margin reads it again.
            changed = CashbackEvent.objects.filter(updated_at__gte=state.updated_at - SETTLE)
            days = set(
                changed.annotate(day=TruncDate("sale_at"))
                .values_list("day", flat=True)
                .order_by()
                .distinct()
            )
        recounted = _recount(days) if days is None or days else 0
        # The run's start, not its end, is where the next run reads from.
        RollupState.objects.filter(pk=state.pk).update(updated_at=started)
    return recounted


def _recount(days: set[date] | None) -> int:
    """The sales columns of `days` (every day with None) counted again; returns the
    number of days."""
    events = CashbackEvent.objects.filter(status__in=COUNTED)
    offers = OfferDailyStats.objects.all()
    merchants = MerchantDailyStats.objects.all()
    if days is not None:
        on_days = Q()
        for first, last in _runs(days):
            on_days |= Q(sale_at__gte=day_start(first), sale_at__lt=day_start(last + ONE_DAY))
        events = events.filter(on_days)
        offers, merchants = offers.filter(day__in=days), merchants.filter(day__in=days)
    groups = list(
        events.annotate(day=TruncDate("sale_at"))
        .values_list("merchant_id", "offer_id", "day")
        .annotate(
            sales=Count("pk"),
            approved=Count("pk", filter=Q(status=CashbackEvent.Status.CONFIRMED)),
            priced=Count("sale_amount"),
            amount=Sum("sale_amount"),
            cashback=Sum("cashback_amount"),
            commission=Sum("commission"),
        )
        .order_by()
    )
    per_offer: dict[tuple, list] = {}
    per_merchant: dict[tuple, list] = {}
    for merchant_id, offer_id, day, *figures in groups:
        figures = [*figures[:3], *(money(value or 0) for value in figures[3:])]
        if offer_id is not None:
            per_offer[day, offer_id] = figures
        total = per_merchant.setdefault((day, merchant_id), [0, 0, 0, *[money(0)] * 3])
        per_merchant[day, merchant_id] = [a + b for a, b in zip(total, figures, strict=True)]
    # Days whose every sale was rejected keep their row (clicks) with no sales.
    offers.update(**dict.fromkeys(SALES_COLUMNS, 0))
    merchants.update(**dict.fromkeys(SALES_COLUMNS, 0))
    _upsert_sales(OfferDailyStats, "offer_id", per_offer)
    _upsert_sales(MerchantDailyStats, "merchant_id", per_merchant)
    return len(days) if days is not None else len({day for _m, _o, day, *_ in groups})


def _runs(days: set[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges: one index range each."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + ONE_DAY == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _upsert_sales(model, key: str, figures: dict[tuple, list]) -> None:
    rows = [(day, pk, *values) for (day, pk), values in figures.items()]
    table = model._meta.db_table
    assignments = ", ".join(f"{column} = excluded.{column}" for column in SALES_COLUMNS)
    placeholder = "(%s, %s, 0, " + ", ".join(["%s"] * len(SALES_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            cursor.execute(
                UPSERT_SALES.format(
                    table=table,
                    key=key,
                    columns=", ".join(SALES_COLUMNS),
                    rows=", ".join([placeholder] * len(part)),
                    assignments=assignments,
                ),
                [value for row in part for value in row],
            )
