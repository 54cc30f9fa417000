from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_email(*, to: list[str], subject: str, body: str, html_body: str | None = None):
    """Deliver one email. Queued after commit so a rolled-back signup sends nothing."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@shared_task
def clear_sessions():
    """Beat, daily: `clearsessions` and the session list rows it leaves behind."""
    from .services import sessions_clear_expired  # services queue emails through this module

    return {"session_rows": sessions_clear_expired()}


@shared_task
def purge_deleted_users():
    """Beat, daily: the same as `manage.py purge_deleted_users`."""
    from .services import users_purge_closed

    return {"purged": users_purge_closed(days=settings.ACCOUNT_PURGE_AFTER_DAYS)}
