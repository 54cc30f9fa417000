from celery import shared_task

from .services.rollups import counters_roll_up


@shared_task
def rollup_counters():
    return counters_roll_up()
