"""Pulling a network's transaction report and applying it like postbacks.

The range to read runs from the network's cursor (reports_synced_until) less an overlap,
because networks add sales to a day already reported, up to now; with no cursor yet, the
last NETWORK_REPORTS_FIRST_SYNC_DAYS. It is read in windows of at most 31 days, oldest
first. A window is read whole, then its rows are applied, then the cursor moves to the
window's end: a failure part-way (the API down, the worker killed) leaves the cursor at
the last window fully applied, and the next run starts there. Re-applying rows is
harmless: postbacks are idempotent on (network, txn_id), so a sale seen again is a
duplicate unless the network changed what it says about it.

No database transaction is open while a report is fetched: each row is applied in its own.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from offers.models import Network

from ..replay import ReplayReport, network_rows_apply
from .awin import AwinAdapter
from .base import (
    ReportAdapter,
    ReportNotConfigured,
    ReportSyncFailed,
    ReportSyncRunning,
    Row,
    RowFailure,
    Window,
    credentials,
    windows,
)
from .cj import CjAdapter

logger = logging.getLogger(__name__)

ADAPTERS: dict[str, ReportAdapter] = {
    Network.ReportAdapter.AWIN: AwinAdapter(),
    Network.ReportAdapter.CJ: CjAdapter(),
}


@dataclass
class SyncReport:
    since: datetime
    until: datetime
    applied: list[Window] = field(default_factory=list)
    rows: ReplayReport = field(default_factory=ReplayReport)
    failed: ReportSyncFailed | None = None  # why the sync stopped before `until`

    def summary(self) -> str:
        return (
            f"{len(self.applied)} window(s) from {self.since:%Y-%m-%d %H:%M} to "
            f"{self.until:%Y-%m-%d %H:%M} UTC: {self.rows.summary()}"
        )


def adapter_for(network: Network) -> ReportAdapter:
    adapter = ADAPTERS.get(network.report_adapter)
    if adapter is None:
        raise ReportNotConfigured(detail=f"{network.slug} has no report adapter.")
    return adapter


def sync_range(
    network: Network, *, since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    until = min(until or now, now)
    if since is None:
        if network.reports_synced_until is not None:
            since = network.reports_synced_until - timedelta(
                hours=settings.NETWORK_REPORTS_OVERLAP_HOURS
            )
        else:
            since = until - timedelta(days=settings.NETWORK_REPORTS_FIRST_SYNC_DAYS)
    return since, until


def _advance_cursor(network: Network, to: datetime) -> None:
    # Only forwards: re-reading an old range by hand must not send the next run back there.
    moved = (
        Network.objects.filter(pk=network.pk)
        .filter(Q(reports_synced_until__isnull=True) | Q(reports_synced_until__lt=to))
        .update(reports_synced_until=to)
    )
    if moved:
        network.reports_synced_until = to


def _postbacks(rows: list[Row | RowFailure], report: ReplayReport):
    """The rows to apply, in order; an adapter's failed entries are counted where they
    stand (lazily, so the report lists failures in the order the rows came)."""
    for row in rows:
        if isinstance(row, RowFailure):
            report.fail(row.txn_id or "(no txn id)", row.code, row.detail)
        else:
            yield row.get("txn_id") or "(no txn id)", row


def network_reports_sync(
    *, network: Network, since: datetime | None = None, until: datetime | None = None
) -> SyncReport:
    """Read the network's report over [since, until) and apply every sale in it.
    Raises ReportNotConfigured before reading anything if the network cannot be synced;
    a failure while reading stops at that window and is returned in the report."""
    adapter = adapter_for(network)
    credentials(network)
    # One sync per network at a time: a slow one still running when the next hour's
    # starts would read the same windows again (harmless, as rows are idempotent, but
    # every request twice). The lock expires on its own if its worker is killed.
    lock = f"report-sync:{network.pk}"
    if not cache.add(lock, 1, timeout=settings.NETWORK_REPORTS_LOCK_SECONDS):
        raise ReportSyncRunning(detail=f"A sync of {network.slug} is running already.")
    try:
        return _sync_windows(network, adapter, since=since, until=until)
    finally:
        cache.delete(lock)


def _sync_windows(network, adapter, *, since, until) -> SyncReport:
    since, until = sync_range(network, since=since, until=until, now=timezone.now())
    report = SyncReport(since=since, until=until)
    for window in windows(since, until):
        try:
            rows = list(adapter.fetch(network, window.start, window.end))
        except ReportSyncFailed as exc:
            logger.warning("report sync %s: %s", network.slug, exc.detail)
            report.failed = exc
            break
        network_rows_apply(
            network=network,
            rows=_postbacks(rows, report.rows),
            method="SYNC",
            report=report.rows,
        )
        _advance_cursor(network, window.end)
        report.applied.append(window)
        logger.info(
            "report sync %s: %s to %s, %d row(s)", network.slug, window.start, window.end, len(rows)
        )
    return report


def networks_to_sync():
    return Network.objects.filter(status=Network.Status.ACTIVE).exclude(report_adapter="")
