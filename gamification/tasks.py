import logging

from celery import shared_task
from django.conf import settings

from .services.cashback_rewards import cashback_rewards
from .services.leaderboard_live import leaderboards_refresh
from .services.leaderboard_settle import leaderboards_settle
from .services.race_feed import RaceFeedFailed, RaceFeedNotConfigured, race_stats_sync
from .services.races import races_tick
from .services.referral_points import referral_points
from .services.tiers import recompute_tiers as tiers_recompute

log = logging.getLogger(__name__)


@shared_task
def reward_confirmed_cashback(event_ids: list[int]):
    report = cashback_rewards(event_ids=event_ids)
    return {"points_awarded": report.points_awarded, "topups_paid": report.topups_paid}


@shared_task
def award_referral_points(referral_ids: list[int]):
    return {"awarded": referral_points(referral_ids=referral_ids)}


@shared_task
def recompute_tiers():
    report = tiers_recompute()
    return {"shoppers": report.shoppers, "changed": report.changed}


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


# --- Leaderboards ------------------------------------------------------------------------


@shared_task
def refresh_leaderboards():
    return leaderboards_refresh()


@shared_task
def settle_leaderboards():
    report = leaderboards_settle()
    return {"periods": report.periods, "paid": report.paid, "amount": str(report.amount)}
