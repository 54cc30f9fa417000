"""SLA clocks in business hours.

`SUPPORT_BUSINESS_HOURS` ("Mon-Fri 09:00-18:00") is office time in `TIME_ZONE`. Windows
are built per local day with zoneinfo and compared as absolute instants, so a DST change
neither adds nor loses an hour of office time (aware datetimes sharing a tzinfo subtract
as wall clocks in Python; converting to UTC first avoids that trap).

The clock stops while a ticket is pending on the customer: entering pending stamps
`pending_since`; leaving it pushes both due times forward by the business time spent
waiting. Breaches are flagged in two set-based UPDATEs, never on a pending ticket.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ..models import Ticket

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPEC = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)
# A year of calendar days: a target of thousands of hours is a misconfiguration, not a loop.
_MAX_DAYS = 3660


@dataclass(frozen=True)
class BusinessHours:
    weekdays: frozenset[int]
    opens: time
    closes: time
    zone: ZoneInfo

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's office hours as UTC instants, or None on a closed day."""
        if day.weekday() not in self.weekdays:
            return None
        start = datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC)
        end = datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC)
        return start, end


def _clock(value: str, spec: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    if hours > 23 or minutes > 59:
        raise ImproperlyConfigured(f"SUPPORT_BUSINESS_HOURS {spec!r}: {value} is not a time.")
    return time(hours, minutes)


@lru_cache(maxsize=8)
def parse_business_hours(spec: str, zone_name: str) -> BusinessHours:
    """ "Mon-Fri 09:00-18:00", "Mon-Sat 08:30-17:00", "Sat 10:00-14:00"."""
    match = _SPEC.match(spec or "")
    example = 'e.g. "Mon-Fri 09:00-18:00"'
    if not match:
        raise ImproperlyConfigured(f"SUPPORT_BUSINESS_HOURS {spec!r} is not like {example}.")
    first, last = match["first"].lower(), (match["last"] or match["first"]).lower()
    if first not in DAYS or last not in DAYS:
        raise ImproperlyConfigured(
            f"SUPPORT_BUSINESS_HOURS {spec!r}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun."
        )
    start, end = DAYS.index(first), DAYS.index(last)
    weekdays = (
        frozenset(range(start, end + 1))
        if start <= end
        else frozenset((*range(start, 7), *range(0, end + 1)))
    )
    opens, closes = _clock(match["open"], spec), _clock(match["close"], spec)
    if closes <= opens:
        raise ImproperlyConfigured(
            f"SUPPORT_BUSINESS_HOURS {spec!r}: the office closes after it opens ({example})."
        )
    return BusinessHours(weekdays, opens, closes, ZoneInfo(zone_name))


def business_hours() -> BusinessHours:
    """Parsed at first use, so a bad value fails loudly then with a clear message."""
    return parse_business_hours(settings.SUPPORT_BUSINESS_HOURS, settings.TIME_ZONE)


def _days_from(instant: datetime, hours: BusinessHours):
    day = instant.astimezone(hours.zone).date()
    for offset in range(_MAX_DAYS):
        yield day + timedelta(days=offset)
    raise ImproperlyConfigured("SUPPORT_BUSINESS_HOURS leaves no office time to count in.")


def add_business_time(start: datetime, amount: timedelta) -> datetime:
    """The instant `amount` of office time after `start` (in UTC)."""
    hours = business_hours()
    cursor, left = start.astimezone(UTC), amount
    if left <= timedelta(0):
        return cursor
    for day in _days_from(cursor, hours):
        window = hours.window(day)
        if window is None or cursor >= window[1]:
            continue
        cursor = max(cursor, window[0])
        available = window[1] - cursor
        if left <= available:
            return cursor + left
        left -= available
        cursor = window[1]
    raise AssertionError("unreachable")  # _days_from raises first


def add_business_hours(start: datetime, hours: float) -> datetime:
    return add_business_time(start, timedelta(hours=hours))


def business_time_between(start: datetime, end: datetime) -> timedelta:
    """Office time between two instants (zero when end is not after start)."""
    hours = business_hours()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    if end <= start:
        return total
    for day in _days_from(start, hours):
        window = hours.window(day)
        if window is None:
            if day > end.astimezone(hours.zone).date():
                break
            continue
        if window[0] >= end:
            break
        overlap = min(end, window[1]) - max(start, window[0])
        if overlap > timedelta(0):
            total += overlap
    return total


def _targets(priority: str) -> tuple[int, int]:
    return tuple(settings.SUPPORT_SLA_HOURS[priority])


def sla_start(ticket: Ticket, now: datetime) -> None:
    """Set the ticket's first-response and resolution due times from its priority."""
    first, resolution = _targets(ticket.priority)
    ticket.first_response_due_at = add_business_hours(now, first)
    ticket.resolution_due_at = add_business_hours(now, resolution)


def sla_recompute(ticket: Ticket) -> dict:
    """Due times for a changed priority, counted from when the ticket was opened."""
    first, resolution = _targets(ticket.priority)
    return {
        "first_response_due_at": add_business_hours(ticket.created_at, first),
        "resolution_due_at": add_business_hours(ticket.created_at, resolution),
    }


def sla_resume(ticket: Ticket, now: datetime) -> dict:
    """Leaving pending: both due times move forward by the office time spent waiting on
    the customer. The columns to write (pending_since cleared)."""
    changes: dict = {"pending_since": None}
    if ticket.pending_since is None:
        return changes
    paused = business_time_between(ticket.pending_since, now)
    for name in ("first_response_due_at", "resolution_due_at"):
        due = getattr(ticket, name)
        if due is not None:
            changes[name] = add_business_time(due, paused)
    return changes


def sla_flag_breaches(now: datetime | None = None) -> dict:
    """Flag tickets past a due time: first response (no staff reply yet) and resolution
    (not resolved). Pending tickets are not on our clock. Returns how many of each."""
    now = now or timezone.now()
    working = [Ticket.Status.OPEN, Ticket.Status.ON_HOLD]
    first = Ticket.objects.filter(
        status__in=working,
        first_response_breached=False,
        first_responded_at__isnull=True,
        first_response_due_at__lt=now,
    ).update(first_response_breached=True)
    resolution = Ticket.objects.filter(
        status__in=working,
        resolution_breached=False,
        resolution_due_at__lt=now,
    ).update(resolution_breached=True)
    return {"first_response": first, "resolution": resolution}
