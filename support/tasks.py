from celery import shared_task

from . import wallet_news


@shared_task
def notify_cashback_confirmed(event_ids: list[int]):
    wallet_news.cashback_confirmed(event_ids)


@shared_task
def notify_withdrawal_status(withdrawal_id: int, status: str):
    wallet_news.withdrawal_status(withdrawal_id, status)
