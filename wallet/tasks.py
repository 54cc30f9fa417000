from celery import shared_task

from .services.confirmation import cashback_confirm_due
from .services.payouts import payouts_process


@shared_task
def confirm_cashback():
    report = cashback_confirm_due()
    return {"confirmed": report.confirmed, "amount": str(report.amount)}


@shared_task
def process_payouts():
    report = payouts_process()
    return {"batches": report.batches, "paid": report.paid, "failed": report.failed}
