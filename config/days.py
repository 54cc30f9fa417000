"""Calendar days as datetime bounds.

`created_at >= day_start(d)` can use an index on created_at; `created_at__date >= d`
cannot (it casts every row), which matters on tables of millions of rows.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The first instant of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def days_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`): for created_at__range-like filters
    written as __gte / __lt."""
    return day_start(first), day_start(last + timedelta(days=1))
