"""A leaderboard's periods on the site's calendar (TIME_ZONE): days, Monday-to-Sunday
weeks, months, or all time, clipped to the board's starts_on / ends_on."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..models import Leaderboard

Frequency = Leaderboard.Frequency
# All time with no start: the beginning of SaveBucks' data, as a date.
EPOCH = date(2000, 1, 1)


class Period(NamedTuple):
    start: date
    # The first day after the period (exclusive); None for an all-time board without end.
    end: date | None

    @property
    def last_day(self) -> date | None:
        return self.end - timedelta(days=1) if self.end else None

    @property
    def start_at(self) -> datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime | None:
        return _midnight(self.end) if self.end else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def site_today(now=None) -> date:
    return timezone.localdate(now or timezone.now(), ZoneInfo(settings.TIME_ZONE))


def _calendar_period(frequency: str, day: date) -> Period:
    if frequency == Frequency.DAILY:
        return Period(day, day + timedelta(days=1))
    if frequency == Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=7))
    if frequency == Frequency.MONTHLY:
        first = day.replace(day=1)
        return Period(first, (first + timedelta(days=32)).replace(day=1))
    return Period(EPOCH, None)


def period_containing(board: Leaderboard, day: date) -> Period:
    """The period `day` falls in, clipped to the board's bounds."""
    period = _calendar_period(board.frequency, day)
    start, end = period
    if board.starts_on and board.starts_on > start:
        start = board.starts_on
    if board.ends_on and (end is None or board.ends_on + timedelta(days=1) < end):
        end = board.ends_on + timedelta(days=1)
    return Period(start, end)


def current_period(board: Leaderboard, now=None) -> Period:
    today = site_today(now)
    if board.ends_on and today > board.ends_on:
        return period_containing(board, board.ends_on)  # a finished board shows its last
    if board.starts_on and today < board.starts_on:
        return period_containing(board, board.starts_on)
    return period_containing(board, today)


def previous_period(board: Leaderboard, now=None) -> Period | None:
    """The period before the current one; None for all time and for a board's first."""
    current = current_period(board, now)
    if board.frequency == Frequency.ALL_TIME or current.start <= (board.starts_on or EPOCH):
        return None
    return period_containing(board, current.start - timedelta(days=1))


def ended_periods(board: Leaderboard, now=None) -> list[Period]:
    """Periods over and not yet settled, oldest first. A board never settled starts at
    the period before the current one: creating a board does not pay out its history."""
    today = site_today(now)
    if board.settled_until:
        day = board.settled_until
    else:
        first = previous_period(board, now) or current_period(board, now)
        day = first.start
    periods = []
    while not (board.ends_on and day > board.ends_on):
        period = period_containing(board, day)
        if period.end is None or period.end > today:
            break
        periods.append(period)
        day = period.end
    return periods
