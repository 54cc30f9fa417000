"""When a sale happened, as a network or advertiser reports it.

Both postbacks take an optional sale time (`sale_date` on network postbacks,
`conversion_date` on conversion postbacks): ISO 8601 (a date, or a date and time with or
without an offset; without one it is read in TIME_ZONE) or Unix seconds. The sale must lie
between its click and now: a sale before its click cannot have come from it, and one in
the future is a sender's clock or a forgery. SALE_DATE_CLOCK_SKEW allows for clocks a
little ahead of ours.
"""

import re
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from config.errors import Refusal

_UNIX_SECONDS = re.compile(r"[0-9]{9,11}")


class InvalidSaleDate(Refusal):
    code = "invalid_sale_date"


def parse_sale_date(raw: str | None, *, field: str = "sale_date") -> datetime | None:
    """The aware datetime `raw` names; None when absent or blank."""
    text = (raw or "").strip()
    if not text:
        return None
    if _UNIX_SECONDS.fullmatch(text):
        return datetime.fromtimestamp(int(text), tz=UTC)
    moment = None
    try:
        # Networks write "2026-11-30 14:05:00" as often as the T form; both are ISO 8601.
        # ASCII only, as amounts: Django's parsers also read other scripts' digits.
        if text.isascii():
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None  # the right shape with impossible values, e.g. month 13
    if moment is None:
        raise InvalidSaleDate(
            detail=f"{field} {text[:40]!r} is neither ISO 8601 nor Unix seconds.", field=field
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        # Year 1 east of UTC (or 9999 west of it) is no moment in UTC or in TIME_ZONE:
        # comparing or showing it would overflow. No sale lies there anyway.
        timezone.localtime(moment)
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidSaleDate(
            detail=f"{field} {text[:40]!r} is outside the calendar.", field=field
        ) from None


def check_sale_date(
    sale_at: datetime | None,
    *,
    clicked_at: datetime,
    now: datetime | None = None,
    field: str = "sale_date",
) -> datetime:
    """The sale's time, checked against its click; the time we heard of it when absent."""
    now = now or timezone.now()
    if sale_at is None:
        return now
    if sale_at > now + timedelta(seconds=settings.SALE_DATE_CLOCK_SKEW):
        raise InvalidSaleDate(detail=f"{field} is in the future.", field=field)
    if sale_at < clicked_at:
        # A date without a time means "that day": a sale on the click's own day is fine.
        local = timezone.localtime(sale_at)
        if not (local.time() == time.min and local.date() == timezone.localdate(clicked_at)):
            raise InvalidSaleDate(detail=f"{field} is before its click.", field=field)
        return clicked_at
    return sale_at
