"""Turning a report's JSON values into the strings a postback would carry."""

from datetime import UTC
from decimal import Decimal

from django.utils.dateparse import parse_datetime

from config.money import money


def amount(value) -> str:
    """A JSON amount (number or numeric string) written as plain digits; anything else
    is passed on unchanged for the postback service to refuse, so the row fails alone."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | Decimal):
        return format(money(value), "f")
    return str(value)


def utc_time(value) -> str:
    """An ISO 8601 time; one without an offset is UTC, the time zone we ask reports in."""
    text = str(value or "").strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def compact(row: dict[str, str]) -> dict[str, str]:
    """Leave out what the report did not say, so the postback service's defaults apply."""
    return {name: value for name, value in row.items() if value}
