"""The bot's Celery tasks (imported by support.tasks so workers register them)."""

from celery import shared_task


@shared_task
def process_update(update_id: int):
    from .bot import update_process

    update_process(update_id)


@shared_task
def broadcast(announcement_id: int):
    from .broadcast import broadcast_run

    broadcast_run(announcement_id)
