"""The date window a partner report covers, shared by the portal form and the API."""

from datetime import date, timedelta

from django.utils import timezone

DEFAULT_DAYS = 30
MAX_DAYS = 366


class BadWindow(ValueError):
    pass


def report_window(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Defaults to the last 30 days; refuses a reversed or over-a-year window."""
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise BadWindow("The start date is after the end date.")
    if (date_to - date_from).days > MAX_DAYS:
        raise BadWindow("A report covers at most a year.")
    return date_from, date_to
