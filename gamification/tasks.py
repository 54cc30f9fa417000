import logging

from celery import shared_task
from django.conf import settings

from .services.race_feed import RaceFeedFailed, RaceFeedNotConfigured, race_stats_sync
from .services.races import races_tick

log = logging.getLogger(__name__)


# --- Races -------------------------------------------------------------------------------


@shared_task
def tick_races():
    return races_tick()


@shared_task
def sync_race_stats():
    if not settings.RACE_STATS_URL:
        log.info("race stats: RACE_STATS_URL is not set; nothing to sync.")
        return {"skipped": "not configured"}
    try:
        report = race_stats_sync()
    except RaceFeedNotConfigured as exc:
        log.warning("race stats: %s", exc.detail)
        return {"skipped": exc.detail}
    except RaceFeedFailed as exc:
        # Already logged by the service; the next run tries again.
        return {"rejected": exc.detail}
    return {"rows": report.rows, "races": report.races, "updated": report.updated}
