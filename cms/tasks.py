"""CMS tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task
def publish_scheduled():
    """Beat, every minute: scheduled pages and posts whose time has come go live."""
    from .services.publishing import publish_scheduled as run

    return {"published": run()}
