from celery import shared_task

from .services.cashback_rewards import cashback_rewards
from .services.referral_points import referral_points
from .services.tiers import recompute_tiers as tiers_recompute


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
