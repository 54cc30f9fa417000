import logging

from celery import shared_task
from django.conf import settings

from .services.offer_stats import offer_stats_roll_up
from .services.report_sync import ReportSyncFailed, network_reports_sync, networks_to_sync
from .services.retention import PruneRefused, raw_data_prune
from .services.rollups import counters_roll_up

logger = logging.getLogger(__name__)


@shared_task
def rollup_counters():
    return {**counters_roll_up(), **offer_stats_roll_up()}


@shared_task
def sync_network_reports():
    """Beat, hourly: one sync task per network with a report adapter, so a slow or
    failing network neither delays nor stops the others."""
    network_ids = list(networks_to_sync().values_list("pk", flat=True))
    for network_id in network_ids:
        sync_network_report.delay(network_id)
    return len(network_ids)


@shared_task
def sync_network_report(network_id: int):
    network = networks_to_sync().filter(pk=network_id).first()
    if network is None:
        return None
    try:
        report = network_reports_sync(network=network)
    except ReportSyncFailed as exc:
        logger.warning("report sync %s: %s", network.slug, exc.detail)
        return {"network": network.slug, "failed": exc.code}
    for line, code, detail in report.rows.failures:
        logger.info("report sync %s: txn %s: %s: %s", network.slug, line, code, detail)
    return {
        "network": network.slug,
        "outcomes": report.rows.outcomes,
        "failed": report.failed.code if report.failed else None,
    }


@shared_task
def prune_raw_data():
    """Beat, hourly, within the task time limit: a backlog drains over several runs."""
    try:
        reports = raw_data_prune(max_seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.75)
    except PruneRefused as refused:
        logger.warning("prune_raw_data: %s", refused.detail)
        return {"refused": refused.code}
    return {report.table: {"deleted": report.deleted, "kept": report.kept} for report in reports}
