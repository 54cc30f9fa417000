"""Support's tasks: thin wrappers over services (each periodic one also a command)."""

from celery import shared_task

from . import wallet_news


@shared_task
def notify_cashback_confirmed(event_ids: list[int]):
    wallet_news.cashback_confirmed(event_ids)


@shared_task
def notify_withdrawal_status(withdrawal_id: int, status: str):
    wallet_news.withdrawal_status(withdrawal_id, status)


@shared_task
def notify_referrals_activated(referral_ids: list[int]):
    from . import account_news

    account_news.referrals_activated(referral_ids)


@shared_task(bind=True, max_retries=2)
def deliver_notification(self, delivery_id: int):
    """Send one email or Telegram message: three tries (now, +2 min, +10 min), then the
    delivery is failed and listed for staff, who re-queue it from the admin."""
    from .services.delivery import delivery_send

    delivery_send(self, delivery_id)


@shared_task
def flag_sla_breaches():
    from .services.sla import sla_flag_breaches

    return sla_flag_breaches()


@shared_task
def close_stale_tickets():
    from .services.tickets import tickets_close_stale

    return tickets_close_stale()


@shared_task
def advance_claims():
    from .services.claims import claims_advance

    return claims_advance()


# The Telegram bot's tasks live with the bot; imported so workers register them.
from .telegram import tasks as telegram_tasks  # noqa: E402, F401
