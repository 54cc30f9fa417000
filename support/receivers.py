"""The wallet's signals, turned into one queued task each: the job or request that moved
the money never waits for templates, emails or notification rows."""

from . import tasks


def on_cashback_confirmed(sender, event_ids, **kwargs):
    tasks.notify_cashback_confirmed.delay(event_ids=list(event_ids))


def on_withdrawal_status_changed(sender, withdrawal_id, status, **kwargs):
    tasks.notify_withdrawal_status.delay(withdrawal_id=withdrawal_id, status=str(status))
