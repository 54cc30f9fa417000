from celery import shared_task

from .services.deliveries import deliveries_dispatch
from .services.payable import commissions_make_payable
from .services.stats import daily_stats_refresh


@shared_task
def dispatch_postbacks():
    report = deliveries_dispatch()
    return {"delivered": report.delivered, "retrying": report.retrying, "failed": report.failed}


@shared_task
def make_commissions_payable():
    return {"credited": commissions_make_payable()}


@shared_task
def refresh_daily_stats():
    return {"rows": daily_stats_refresh()}
