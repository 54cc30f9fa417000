"""FX rates: converting a reported amount into the platform currency at its sale date's
rate, and keeping the table of rates (the admin and `manage.py import_fx_rates`)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from config.errors import Refusal
from config.money import money, parse_number

from ..models import FxRate


class NoFxRate(Refusal):
    """Nothing to convert with yet: the report is kept and can be replayed once staff add
    the rate."""

    http_status = 422
    code = "no_fx_rate"


@dataclass(frozen=True)
class FxConversion:
    currency: str  # as reported
    rate: Decimal | None  # None: already the platform currency

    def __call__(self, amount: Decimal | None) -> Decimal | None:
        """`amount` in the platform currency, rounded once to cents."""
        if amount is None or self.rate is None:
            return amount
        return money(amount * self.rate)

    @property
    def foreign(self) -> bool:
        return self.rate is not None


def fx_conversion(currency: str, on: date) -> FxConversion:
    """How to convert `currency` on day `on`: its rate that day, else the latest in the
    FX_RATE_MAX_AGE_DAYS before; NoFxRate when there is none."""
    currency = currency.upper()
    if currency == settings.PLATFORM_CURRENCY:
        return FxConversion(currency, None)
    oldest = on - timedelta(days=settings.FX_RATE_MAX_AGE_DAYS)
    rate = (
        FxRate.objects.filter(currency=currency, date__lte=on, date__gte=oldest)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise NoFxRate(
            detail=f"No {currency} rate for {on} or the {settings.FX_RATE_MAX_AGE_DAYS} days "
            "before it; the report is logged and can be replayed once staff add one."
        )
    return FxConversion(currency, rate)


# --- keeping the table: staff in the admin, or a file -----------------------------------

_CODE = re.compile(r"[A-Z]{3}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
HEADER = ("date", "currency", "rate")
# FxRate.rate is DecimalField(20, 10): what does not fit is refused, never rounded.
_RATE_INTEGER_DIGITS = 10
_RATE_DECIMAL_PLACES = 10


class InvalidFxRate(Refusal):
    code = "invalid_fx_rate"


def fx_currency_check(raw: str) -> str:
    """A currency the table may hold: three ASCII letters, never the platform's own (its
    rate is 1 by definition, and a row for it would suggest otherwise)."""
    currency = (raw or "").strip().upper()
    if not _CODE.fullmatch(currency):
        raise InvalidFxRate(
            detail=f"{raw[:10]!r} is not a three-letter currency code.", field="currency"
        )
    if currency == settings.PLATFORM_CURRENCY:
        raise InvalidFxRate(
            detail=f"{currency} is the platform currency: it needs no rate.", field="currency"
        )
    return currency


def fx_rate_check(value: Decimal) -> Decimal:
    """A rate the table may hold: above zero and within its 10 + 10 digits."""
    if value <= 0:
        raise InvalidFxRate(detail="A rate must be above zero.", field="rate")
    places = max(0, -value.normalize().as_tuple().exponent)
    if places > _RATE_DECIMAL_PLACES or value.adjusted() + 1 > _RATE_INTEGER_DIGITS:
        raise InvalidFxRate(
            detail=f"A rate has at most {_RATE_INTEGER_DIGITS} digits before the point and "
            f"{_RATE_DECIMAL_PLACES} after it.",
            field="rate",
        )
    return value


class FxRateJump(InvalidFxRate):
    code = "fx_rate_jump"


# How far either side of a date a neighbouring rate is looked for.
_NEIGHBOUR_DAYS = 31


def fx_jump_check(currency: str, day: date, rate: Decimal, *, known=None) -> None:
    """Refuse a rate more than FX_RATE_MAX_JUMP_PERCENT away from the same currency's
    nearest rate on another day (in the table, or in `known`: {(currency, day): rate} of
    the same file): 108 typed for 1.08 would pay every foreign sale a hundredfold."""
    nearby = FxRate.objects.filter(
        currency=currency,
        date__gte=day - timedelta(days=_NEIGHBOUR_DAYS),
        date__lte=day + timedelta(days=_NEIGHBOUR_DAYS),
    ).exclude(date=day)
    others = dict(nearby.values_list("date", "rate"))
    others |= {
        other_day: other_rate
        for (other_currency, other_day), other_rate in (known or {}).items()
        if other_currency == currency
        and other_day != day
        and abs((other_day - day).days) <= _NEIGHBOUR_DAYS
    }
    if not others:
        return
    nearest = min(others, key=lambda other_day: (abs((other_day - day).days), other_day))
    neighbour = others[nearest]
    limit = Decimal(settings.FX_RATE_MAX_JUMP_PERCENT)
    if abs(rate / neighbour - 1) * 100 > limit:
        raise FxRateJump(
            detail=f"{currency} {rate} on {day} is more than {limit}% away from {neighbour} "
            f"on {nearest}; confirm it if the rate really moved that much.",
            field="rate",
        )


def _fx_row(cells: list[str]) -> tuple[str, date, Decimal]:
    if len(cells) != 3:
        raise InvalidFxRate(detail=f"Expected 3 columns (date,currency,rate), got {len(cells)}.")
    raw_day, raw_currency, raw_rate = (cell.strip() for cell in cells)
    try:
        day = date.fromisoformat(raw_day) if _ISO_DAY.fullmatch(raw_day) else None
    except ValueError:
        day = None  # the right shape with impossible values, e.g. month 13
    if day is None:
        raise InvalidFxRate(detail=f"date {raw_day[:20]!r} is not YYYY-MM-DD.", field="date")
    rate = fx_rate_check(parse_number(raw_rate, field="rate"))
    return fx_currency_check(raw_currency), day, rate


@dataclass
class FxImport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} bad row(s): nothing imported"
        return f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged"


def fx_rates_import(
    *, rows: Iterable[tuple[int, list[str]]], source: str, allow_jumps: bool = False
) -> FxImport:
    """Upsert rates from `(line number, [date, currency, rate])` rows, all or nothing.

    A file is one source's rates for a span of days: applying only its good rows would
    leave holes that show up weeks later as `no_fx_rate` postbacks, so one bad row
    (or a (currency, date) named twice) refuses the whole file and every bad row is
    reported with its line. A first row reading `date,currency,rate` is a header.
    Importing the same file again changes nothing. Events already converted keep the rate
    they were converted at. A rate far from its currency's nearest one (fx_jump_check) is
    a bad row unless `allow_jumps`."""
    report = FxImport()
    wanted: dict[tuple[str, date], Decimal] = {}
    seen_on: dict[tuple[str, date], int] = {}
    for index, (line, cells) in enumerate(rows):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if index == 0 and tuple(c.strip().lower() for c in cells) == HEADER:
            continue
        try:
            currency, day, rate = _fx_row(cells)
        except Refusal as exc:
            report.errors.append((line, f"{exc.code}: {exc.detail}"))
            continue
        if (currency, day) in seen_on:
            report.errors.append(
                (line, f"{currency} {day} is on line {seen_on[currency, day]} already.")
            )
            continue
        seen_on[currency, day] = line
        wanted[currency, day] = rate
    if not allow_jumps:
        for (currency, day), rate in wanted.items():
            try:
                fx_jump_check(currency, day, rate, known=wanted)
            except FxRateJump as exc:
                report.errors.append((seen_on[currency, day], f"{exc.code}: {exc.detail}"))
    if report.errors or not wanted:
        return report
    with transaction.atomic():
        days = [day for _, day in wanted]
        existing = {
            (currency, day): rate
            for currency, day, rate in FxRate.objects.filter(
                currency__in={currency for currency, _ in wanted},
                date__gte=min(days),
                date__lte=max(days),
            ).values_list("currency", "date", "rate")
        }
        for key, rate in wanted.items():
            if key not in existing:
                report.added += 1
            elif existing[key] != rate:
                report.changed += 1
            else:
                report.unchanged += 1
        # Upsert on the unique (currency, date): a rate staff add meanwhile is overwritten
        # by the file rather than failing it.
        FxRate.objects.bulk_create(
            [
                FxRate(currency=currency, date=day, rate=rate, source=source[:100])
                for (currency, day), rate in wanted.items()
                if existing.get((currency, day)) != rate
            ],
            update_conflicts=True,
            unique_fields=["currency", "date"],
            update_fields=["rate", "source", "updated_at"],
            batch_size=1000,
        )
    return report
