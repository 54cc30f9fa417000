from celery import shared_task

from .services.leaderboard_live import leaderboards_refresh
from .services.leaderboard_settle import leaderboards_settle


@shared_task
def refresh_leaderboards():
    return leaderboards_refresh()


@shared_task
def settle_leaderboards():
    report = leaderboards_settle()
    return {"periods": report.periods, "paid": report.paid, "amount": str(report.amount)}
