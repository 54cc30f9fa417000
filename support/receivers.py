"""The wallet's signals, turned into one queued task each: the job or request that moved
the money never waits for templates, emails or notification rows."""

from . import tasks


def on_cashback_confirmed(sender, event_ids, **kwargs):
    tasks.notify_cashback_confirmed.delay(event_ids=list(event_ids))


def on_withdrawal_status_changed(sender, withdrawal_id, status, **kwargs):
    tasks.notify_withdrawal_status.delay(withdrawal_id=withdrawal_id, status=str(status))


def on_referral_activated(sender, referral_ids, **kwargs):
    tasks.notify_referrals_activated.delay(referral_ids=list(referral_ids))


def on_payout_details_changed(sender, user, where, **kwargs):
    from . import account_news

    account_news.payout_details_changed(user, where)


def on_user_logged_in(sender, request, user, **kwargs):
    # Every login path lands here (site, admin, social, API); a request-less login
    # (a script calling login()) has no browser to speak of.
    if request is not None and hasattr(request, "META"):
        from . import account_news

        account_news.login_seen(request, user)
