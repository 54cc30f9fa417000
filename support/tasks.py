from celery import shared_task

from . import notify


@shared_task
def notify_cashback_confirmed(event_ids: list[int]):
    notify.cashback_confirmed(event_ids)


@shared_task
def notify_withdrawal_status(withdrawal_id: int, status: str):
    notify.withdrawal_status(withdrawal_id, status)
