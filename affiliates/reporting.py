"""The date window a partner report covers, shared by the portal form and the API."""

from datetime import date, timedelta

from django.utils import timezone

from config.errors import Refusal

DEFAULT_DAYS = 30
MAX_DAYS = 366


class BadWindow(Refusal):
    code = "invalid_window"


def report_window(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Defaults to the last 30 days; refuses a reversed or over-a-year window."""
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise BadWindow(detail="The start date is after the end date.", field="date_from")
    if (date_to - date_from).days > MAX_DAYS:
        raise BadWindow(detail="A report covers at most a year.", field="date_from")
    return date_from, date_to
