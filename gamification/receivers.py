"""Other apps' signals, turned into one queued task each: the confirmation run that moved
the money never waits for points or top-ups."""

from . import tasks


def on_cashback_confirmed(sender, event_ids, **kwargs):
    tasks.reward_confirmed_cashback.delay(event_ids=list(event_ids))


def on_referral_activated(sender, referral_ids, **kwargs):
    tasks.award_referral_points.delay(referral_ids=list(referral_ids))
