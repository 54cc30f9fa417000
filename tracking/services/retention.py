"""prune_raw_data: raw clicks without a sale and postback logs are kept for
RAW_DATA_RETENTION_DAYS (seeds 000/003 maintenance), then deleted in batches.

Never deleted, however old: a click a sale names (money: a cashback event or a partner
conversion carries its click_id), a postback log behind a sale (the network's or
advertiser's own request: what settles a dispute), a delivery still being retried.

Each batch is one primary-key range of one table, deleted in its own transaction together
with the table's progress mark (PruneState.through_id): a run killed half-way resumes
where it stopped, and a daily run reads only the rows that came of age since the last.

The roll-ups stay right. Before any click is deleted, the table's boundary
(PruneState.pruned_before) moves towards the cutoff (a week a run at most), once the
minute roll-up has counted every click behind it, and the offers' click counts behind it
are kept in OfferClicksBefore. rebuild_rollups then keeps the daily partner clicks and
those counts for the days behind the boundary, and recounts only the rows after it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from accounts.models import StatusChange
from affiliates.models import Conversion, PostbackDelivery
from config.days import day_start
from config.errors import Refusal
from wallet.models import CashbackEvent

from ..models import AffiliateClick, Click, PostbackLog, PruneState, RollupState

BATCH_SIZE = 5_000
MAX_RETENTION_DAYS = 100_000
LOCK = "tracking:prune-raw-data"


class PruneRefused(Refusal):
    http_status = 409


@dataclass(frozen=True)
class RawTable:
    model: type
    time_field: str
    # Rows of the table that are never pruned.
    keep: Callable[[], Q]
    # The roll-ups (RollupState names) that count these rows: each must have counted a
    # row before the boundary may pass it.
    rollups: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


# A model that comes to name a click (support's missing-cashback claims, say) must be
# added to its table's `keep` here.
def _click_named() -> Q:
    """A click named by a sale, or by a missing-cashback claim still open or approved
    (the claim's evidence: staff and the network check the click's time and terms)."""
    from support.models import MissingCashbackClaim

    claimed = MissingCashbackClaim.objects.filter(
        click_uuid=OuterRef("click_id"),
        status__in=(*MissingCashbackClaim.OPEN_STATUSES, MissingCashbackClaim.Status.APPROVED),
    )
    sold = CashbackEvent.objects.filter(click_uuid=OuterRef("click_id"))
    return Q(Exists(sold)) | Q(Exists(claimed))


RAW_TABLES = (
    RawTable(
        Click,
        "created_at",
        _click_named,
        rollups=("offer_clicks", "offer_daily_clicks"),
    ),
    RawTable(
        AffiliateClick,
        "created_at",
        lambda: Q(Exists(Conversion.objects.filter(click_uuid=OuterRef("click_id")))),
        rollups=("affiliate_clicks",),
    ),
    RawTable(
        PostbackLog,
        "received_at",
        lambda: Q(event__isnull=False) | Q(conversion__isnull=False),
    ),
    RawTable(
        PostbackDelivery,
        "created_at",
        lambda: Q(status=PostbackDelivery.Status.PENDING),
    ),
)


@dataclass
class TableReport:
    table: str
    deleted: int = 0
    # Older than the cutoff, and kept: named by a sale, or still being delivered.
    kept: int = 0
    batches: int = 0
    # False when the run stopped short (its time budget spent, or the clicks' boundary
    # still on its way to the cutoff): the next run goes on from there.
    finished: bool = True


def retention_cutoff(*, days: int, today: date | None = None) -> datetime:
    """The first moment kept: the start of a day, so a day of clicks is either wholly
    behind the boundary (kept in the daily roll-ups) or wholly recountable."""
    return day_start((today or timezone.localdate()) - timedelta(days=days))


def pruned_before(model) -> datetime | None:
    """Rows of `model` created before this may have been pruned: roll-ups must not
    recount them (None: nothing was ever pruned)."""
    return (
        PruneState.objects.filter(table=model._meta.label_lower)
        .values_list("pruned_before", flat=True)
        .first()
    )


def raw_data_prune(
    *,
    days: int | None = None,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    max_seconds: float | None = None,
    today: date | None = None,
) -> list[TableReport]:
    """Prune every raw table; returns what was (or, dry, would be) deleted and kept.
    Refuses a retention below the minimum, a batch size below one, and a second run
    while one is going."""
    days = settings.RAW_DATA_RETENTION_DAYS if days is None else days
    if days < settings.RAW_DATA_MIN_RETENTION_DAYS:
        raise PruneRefused(
            "retention_too_short",
            f"Raw data is kept at least {settings.RAW_DATA_MIN_RETENTION_DAYS} days "
            f"(asked: {days}).",
            "days",
        )
    if days > MAX_RETENTION_DAYS:  # a cutoff before year 1 would be an OverflowError
        raise PruneRefused(
            "retention_too_long",
            f"Raw data is kept at most {MAX_RETENTION_DAYS} days (asked: {days}).",
            "days",
        )
    if batch_size < 1:
        raise PruneRefused("invalid_batch_size", "The batch size must be at least 1.")
    cutoff = retention_cutoff(days=days, today=today)
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    if not dry_run and not cache.add(LOCK, 1, timeout=3600):
        raise PruneRefused("already_running", "Another prune_raw_data run is going.")
    try:
        return [_prune_table(table, cutoff, batch_size, dry_run, deadline) for table in RAW_TABLES]
    finally:
        if not dry_run:
            cache.delete(LOCK)


def _prune_table(table: RawTable, cutoff, batch_size, dry_run, deadline) -> TableReport:
    model, report = table.model, TableReport(table.label)
    if dry_run:
        state = PruneState.objects.filter(table=table.label).first() or PruneState()
    else:
        state, _ = PruneState.objects.get_or_create(table=table.label)
        if table.rollups:
            reached = _move_boundary(table, cutoff)
            if reached is None:
                return report
            # Deletes stop at the boundary; the next run moves it on towards the cutoff.
            report.finished = reached >= cutoff
            cutoff = min(cutoff, reached)
    older = model.objects.filter(**{f"{table.time_field}__lt": cutoff})
    # The newest row behind the cutoff, read backwards along the time index: O(1), where
    # Max(pk) over the old rows would read them all. (A row committed out of order within
    # the same milliseconds may be passed over; it goes nowhere, it just stays.)
    last = older.order_by(f"-{table.time_field}", "-pk").values_list("pk", flat=True).first()
    if last is None:
        return report
    first = model.objects.aggregate(first=Min("pk"))["first"]
    start = max(state.through_id, first - 1)
    while start < last:
        if deadline is not None and time.monotonic() > deadline:
            report.finished = False
            break
        end = min(start + batch_size, last)
        with transaction.atomic():
            in_range = older.filter(pk__gt=start, pk__lte=end)
            ids = list(in_range.exclude(table.keep()).values_list("pk", flat=True))
            report.kept += in_range.count() - len(ids)
            if not dry_run:
                _delete(model, ids)
                PruneState.objects.filter(table=table.label).update(through_id=end)
        report.deleted += len(ids)
        report.batches += 1
        start = end
    return report


def _delete(model, ids: list[int]) -> None:
    if not ids:
        return
    model.objects.filter(pk__in=ids).delete()
    if model is PostbackDelivery:
        # Their status history (accounts.StatusChange, by content type and id) goes too.
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        ).delete()


# The boundary moves at most this far per run: the offers' click counts it passes are
# added up in one statement under the roll-up's lock, and the first run on years of
# clicks must not try them all at once (nor overrun the task's time limit doing it).
BOUNDARY_STEP = timedelta(days=7)


def _move_boundary(table: RawTable, cutoff: datetime) -> datetime | None:
    """Move the table's boundary towards `cutoff` (a step at most), once the roll-up has
    counted everything behind it, keeping the offers' click counts for the stretch it
    passes. Returns the boundary now in effect, or None with no rows to prune at all."""
    with transaction.atomic():
        state = PruneState.objects.select_for_update().get(table=table.label)
        if state.pruned_before is not None and state.pruned_before >= cutoff:
            return state.pruned_before
        start = state.pruned_before
        if start is None:
            oldest = (
                table.model.objects.order_by("created_at").values_list("created_at", flat=True)
            ).first()
            if oldest is None:
                return None
            start = day_start(timezone.localdate(oldest))
        cutoff = min(cutoff, day_start(timezone.localdate(start) + BOUNDARY_STEP))
        # Locked in the same order as rebuild_rollups takes it: a rebuild is either done
        # before this or starts after it, never sees half a move.
        for name in table.rollups:
            rollup, _ = RollupState.objects.select_for_update().get_or_create(name=name)
            if table.model.objects.filter(created_at__lt=cutoff, pk__gt=rollup.last_id).exists():
                raise PruneRefused(
                    "rollups_behind",
                    f"The {name} roll-up has not counted every row before "
                    f"{cutoff:%Y-%m-%d} yet; run rollup_counters first.",
                )
        if table.model is Click:
            passed = Click.objects.filter(created_at__lt=cutoff, offer__isnull=False)
            if state.pruned_before is not None:
                passed = passed.filter(created_at__gte=state.pruned_before)
            _add_offer_clicks_before(
                passed.values_list("offer_id").annotate(n=Count("pk")).order_by()
            )
        state.pruned_before = cutoff
        state.save(update_fields=["pruned_before", "updated_at"])
    return cutoff


# Adds to an offer's row (ON CONFLICT … DO UPDATE works on PostgreSQL and SQLite).
UPSERT_OFFER_CLICKS_BEFORE = (
    "INSERT INTO tracking_offerclicksbefore (offer_id, clicks) VALUES {rows} "
    "ON CONFLICT (offer_id) DO UPDATE SET "
    "clicks = tracking_offerclicksbefore.clicks + excluded.clicks"
)


def _add_offer_clicks_before(counts) -> None:
    rows = list(counts)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            cursor.execute(
                UPSERT_OFFER_CLICKS_BEFORE.format(rows=", ".join(["(%s, %s)"] * len(part))),
                [value for row in part for value in row],
            )
