"""Counters and daily tables rolled up from append-only rows.

The hot paths only insert. This job reads what is new since its last run (by id, per
source), adds it to the counters in set-based statements and moves its watermark, all in
one transaction: run twice or killed half-way, it never counts a row twice or skips one.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from affiliates.models import DailyClicks, Link
from affiliates.services.stats import daily_stats_refresh
from offers.models import Offer
from wallet.models import CashbackEvent

from ..models import AffiliateClick, Click, OfferClicksBefore, OfferView, RollupState
from .retention import pruned_before
from .unique_visitors import unique_visitors_decide

# Rows younger than this are left for the next run: an insert that took its id earlier
# may still be uncommitted, and reading past it would skip it for good.
SETTLE = timedelta(seconds=30)

OFFER_COUNTERS = {
    "offer_views": (OfferView, "views_count"),
    "offer_clicks": (Click, "clicks_count"),
    "offer_conversions": (CashbackEvent, "conversions_count"),
}


def counters_roll_up(*, batch_size: int = 50_000) -> dict[str, int]:
    """Roll up what is new since the last run; returns rows read per source."""
    read = {
        name: _roll_up(
            name, model, batch_size, lambda window, field=field: _offer_counter(window, field)
        )
        for name, (model, field) in OFFER_COUNTERS.items()
    }
    read["affiliate_clicks"] = _roll_up(
        "affiliate_clicks",
        AffiliateClick,
        batch_size,
        _affiliate_clicks,
        # Which clicks are unique is decided first (unique_visitors.py): /go/ writes them
        # provisionally, without a call to Redis.
        prepare=lambda window, state, upper: unique_visitors_decide(
            window, upper=upper, counted_through=state.last_id
        ),
    )
    return read


def _roll_up(name: str, model, batch_size: int, apply, *, prepare=None) -> int:
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name=name)
        new = model.objects.filter(pk__gt=state.last_id, created_at__lt=timezone.now() - SETTLE)
        upper = new.order_by("pk").values_list("pk", flat=True)[batch_size - 1 : batch_size].first()
        if upper is None:
            upper = new.aggregate(top=Max("pk"))["top"]
        if upper is None:
            return 0
        window = model.objects.filter(pk__gt=state.last_id, pk__lte=upper)
        # Every row read, counted or not: the rebuilds go on while this is not 0, and a
        # window of only kept rows behind the boundary must not stop them half-way.
        rows = window.count()
        # Rows behind the prune boundary were counted before it moved (their figures are
        # kept where rollups_rebuild keeps them); only a rebuild from id 0 meets them.
        if (boundary := pruned_before(model)) is not None:
            window = window.filter(created_at__gte=boundary)
        if prepare is not None:
            prepare(window, state, upper)
        apply(window)
        state.last_id = upper
        state.save(update_fields=["last_id", "updated_at"])
    return rows


def _add_to(model, counts: dict[int, dict[str, int]], chunk: int = 1000) -> None:
    """UPDATE … SET field = field + n for many rows at once: the increments joined in as a
    VALUES list (PostgreSQL and SQLite alike), so the cost grows with the rows touched,
    not with their square as a CASE per row would."""
    if not counts:
        return
    fields = sorted({field for by_field in counts.values() for field in by_field})
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]
    rows = [(pk, *(by_field.get(f, 0) for f in fields)) for pk, by_field in counts.items()]
    placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    assignments = ", ".join(f"{c} = {table}.{c} + increments.{c}" for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            # Only quoted model identifiers are interpolated; the values are parameters.
            statement = (
                f"WITH increments (id, {', '.join(columns)}) AS "  # noqa: S608
                f"(VALUES {', '.join([placeholder] * len(part))}) "
                f"UPDATE {table} SET {assignments} FROM increments "
                f"WHERE {table}.id = increments.id"
            )
            cursor.execute(statement, [value for row in part for value in row])


def _offer_counter(window: QuerySet, field: str) -> None:
    counts = (
        window.filter(offer_id__isnull=False)
        .values_list("offer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    _add_to(Offer, {offer_id: {field: n} for offer_id, n in counts})


# Adds to an existing day's row (ON CONFLICT … DO UPDATE works on PostgreSQL and SQLite);
# many rows per statement. A window's groups are distinct, so no row is hit twice.
UPSERT_DAILY_CLICKS = (
    "INSERT INTO affiliates_dailyclicks "
    "(partner_id, link_id, campaign_id, day, sub1, clicks, unique_clicks) VALUES {rows} "
    "ON CONFLICT (partner_id, link_id, day, sub1) DO UPDATE SET "
    "clicks = affiliates_dailyclicks.clicks + excluded.clicks, "
    "unique_clicks = affiliates_dailyclicks.unique_clicks + excluded.unique_clicks"
)


def _affiliate_clicks(window: QuerySet) -> None:
    groups = (
        window.annotate(day=TruncDate("created_at"))
        .values_list("partner_id", "link_id", "campaign_id", "day", "sub1")
        .annotate(clicks=Count("pk"), unique=Count("pk", filter=Q(is_unique=True)))
        .order_by()
    )
    rows = list(groups)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            cursor.execute(
                UPSERT_DAILY_CLICKS.format(
                    rows=", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(part))
                ),
                [value for row in part for value in row],
            )
    per_link: dict[int, dict[str, int]] = defaultdict(
        lambda: {"clicks_count": 0, "unique_clicks_count": 0}
    )
    for _partner, link_id, _campaign, _day, _sub1, clicks, unique in rows:
        per_link[link_id]["clicks_count"] += clicks
        per_link[link_id]["unique_clicks_count"] += unique
    _add_to(Link, per_link)


def rollups_rebuild(*, batch_size: int = 200_000) -> dict[str, int]:
    """Recount everything from the raw rows: counters to zero, daily partner clicks
    emptied, watermarks back to the start, then the same roll-up as every minute until it
    has caught up (one transaction, so readers see the old figures or the new ones), and
    the daily campaign and partner stats over all days.

    Once prune_raw_data has deleted clicks, the days behind its boundary are not
    recounted (that would lower them): the daily partner clicks of those days stay, the
    links' totals restart from them, and the offers' from OfferClicksBefore.

    For after a restore or a bulk import, or to prove the counters right."""
    totals: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        # First (the UPDATE locks the rows), so that a prune moving its boundary, which
        # locks them too, has either finished or waits until this transaction ends. Its own
        # watermarks only: the offers' daily figures have their own rebuild. Never the
        # unique-visitor decision's (unique_visitors.py): the recount reads the decisions
        # already written, which could not be made again.
        RollupState.objects.filter(name__in=[*OFFER_COUNTERS, "affiliate_clicks"]).update(last_id=0)
        Offer.objects.update(
            views_count=0,
            clicks_count=Coalesce(
                Subquery(
                    OfferClicksBefore.objects.filter(offer=OuterRef("pk")).values("clicks")[:1]
                ),
                0,
            ),
            conversions_count=0,
        )
        kept_days = DailyClicks.objects.none()
        if (boundary := pruned_before(AffiliateClick)) is not None:
            kept_days = DailyClicks.objects.filter(day__lt=timezone.localdate(boundary))
        DailyClicks.objects.exclude(pk__in=kept_days.values("pk")).delete()
        Link.objects.update(
            clicks_count=_kept_sum(kept_days, "clicks"),
            unique_clicks_count=_kept_sum(kept_days, "unique_clicks"),
        )
        while True:
            read = counters_roll_up(batch_size=batch_size)
            for name, rows in read.items():
                totals[name] += rows
            if not any(read.values()):
                break
    daily_stats_refresh(days=None)
    return dict(totals)


def _kept_sum(days: QuerySet, field: str):
    per_link = days.filter(link=OuterRef("pk")).values("link").annotate(n=Sum(field)).values("n")
    return Coalesce(Subquery(per_link[:1]), 0)
