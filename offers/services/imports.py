"""Offer feeds: rows from a network's CSV or JSON export, upserted by external id.

A bad row is reported with its line number and skipped; the good rows still import,
each in its own savepoint. Admin uploads and `manage.py import_offers` share this.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from accounts.services import audit_log
from config.csv_export import safe_row, unquote_cell
from config.errors import Refusal
from config.money import InvalidAmount, parse_number

from ..models import Category, Merchant, Network, Offer

# Column → Offer field. The export writes the same columns, so files round-trip.
COLUMNS = (
    "external_id",
    "merchant",
    "title",
    "type",
    "coupon_code",
    "description",
    "category",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "tracking_url",
    "terms",
    "starts_at",
    "ends_at",
    "status",
    "featured",
    "exclusive",
    "verified",
    "priority",
    "countries",
    "devices",
)
TRUE = {"1", "true", "yes", "y"}


class FeedRefused(Refusal):
    """The file as a whole cannot be read (its rows are never half imported)."""

    code = "unreadable_feed"


class RowRefused(Refusal):
    """One row is wrong: reported with its line, the others still import."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {len(self.errors)} rejected"


def read_rows(content: str, fmt: str) -> list[tuple[int, dict]]:
    """(line number, row) pairs; for JSON the "line" is the item's position (from 1)."""
    if fmt == "json":
        try:
            data = json.loads(content, parse_float=Decimal)  # 7.5 exactly, never a float
        except ValueError as exc:
            raise FeedRefused(detail=f"This is not JSON: {exc}.") from exc
        if not isinstance(data, list):
            raise FeedRefused(detail="A JSON feed is a list of offer objects.")
        return list(enumerate(data, start=1))
    reader = csv.DictReader(io.StringIO(content))
    try:
        return [
            (
                reader.line_num,
                {
                    name: unquote_cell(value) if isinstance(value, str) else value
                    for name, value in row.items()
                },
            )
            for row in reader
        ]
    except csv.Error as exc:
        raise FeedRefused(detail=f"This is not CSV: {exc}.") from exc


def offers_import_file(
    *, network: Network, content: bytes, name: str, actor=None, request=None
) -> ImportReport:
    """Import an uploaded feed (CSV, or JSON when the name ends in .json), audited."""
    fmt = "json" if name.lower().endswith(".json") else "csv"
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedRefused(detail="The file is not UTF-8 text.") from exc
    report = offers_import(network=network, rows=read_rows(text, fmt))
    if actor is not None:
        audit_log(
            actor=actor,
            action="offer.import",
            metadata={"file": name, "summary": report.summary()},
            request=request,
        )
    return report


def offers_import(*, network: Network, rows: Iterable[tuple[int, dict]]) -> ImportReport:
    report = ImportReport()
    merchants = {m.slug: m for m in Merchant.objects.filter(network=network)}
    categories = dict(Category.objects.values_list("slug", "pk"))
    for line, row in rows:
        try:
            if not isinstance(row, dict):
                raise RowRefused("not_an_object", "not an object")
            with transaction.atomic():
                created = _upsert(row, merchants, categories)
        except RowRefused as refused:
            where = f"{refused.field}: " if refused.field else ""
            report.errors.append((line, f"{where}{refused.detail}"))
        except ValidationError as exc:  # the model's own validation (full_clean)
            report.errors.append((line, "; ".join(_messages(exc))))
        else:
            report.created += created
            report.updated += not created
    return report


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            " ".join(errors) if name == "__all__" else f"{name}: {' '.join(errors)}"
            for name, errors in exc.message_dict.items()
        ]
    return exc.messages


def _text(row, name, limit=None) -> str:
    value = row.get(name)
    value = "" if value is None else str(value).strip()
    if "\x00" in value:  # PostgreSQL cannot store it: the save would fail, not the row
        raise RowRefused("invalid_text", "Null characters are not allowed.", name)
    return value[:limit] if limit else value


def _decimal(row, name) -> Decimal | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_number(value)
    except InvalidAmount as exc:
        raise RowRefused(exc.code, exc.detail, name) from exc


def _datetime(row, name):
    value = _text(row, name)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed, but no such date (month 13)
        parsed = None
    if parsed is None:
        raise RowRefused("invalid_date", f"{value!r} is not an ISO date and time", name)
    return parsed


def _list(row, name) -> list[str]:
    value = row.get(name) or []
    if isinstance(value, str):
        value = value.split(",")
    return [str(item).strip() for item in value if str(item).strip()]


def _upsert(row: dict, merchants: dict, categories: dict) -> bool:
    external_id = _text(row, "external_id", 100)
    if not external_id:
        raise RowRefused("required", "required", "external_id")
    merchant = merchants.get(_text(row, "merchant"))
    if merchant is None:
        raise RowRefused(
            "unknown_merchant", f"no store {_text(row, 'merchant')!r} on this network", "merchant"
        )
    category_slug = _text(row, "category")
    if category_slug and category_slug not in categories:
        raise RowRefused("unknown_category", f"no category {category_slug!r}", "category")
    offer = Offer.objects.filter(merchant=merchant, external_id=external_id).first()
    created = offer is None
    offer = offer or Offer(merchant=merchant, external_id=external_id)
    offer.title = _text(row, "title", 255)
    offer.offer_type = _text(row, "type") or Offer.Type.DEAL
    offer.coupon_code = _text(row, "coupon_code", 100)
    offer.description = _text(row, "description")
    offer.category_id = categories.get(category_slug)
    offer.cashback_type = _text(row, "cashback_type")
    offer.cashback_value = _decimal(row, "cashback_value")
    offer.cashback_max = _decimal(row, "cashback_max")
    offer.tracking_url = _text(row, "tracking_url", 2000)
    offer.terms = _text(row, "terms")
    offer.starts_at = _datetime(row, "starts_at")
    offer.ends_at = _datetime(row, "ends_at")
    offer.status = _text(row, "status") or Offer.Status.ACTIVE
    offer.is_featured = _text(row, "featured").lower() in TRUE
    offer.is_exclusive = _text(row, "exclusive").lower() in TRUE
    offer.is_verified = _text(row, "verified").lower() in TRUE
    offer.priority = int(_decimal(row, "priority") or 0)
    offer.allowed_countries = [code.upper() for code in _list(row, "countries")]
    offer.allowed_devices = _list(row, "devices")
    offer.full_clean()  # field validators, choices and the model's check constraints
    offer.save()
    return created


def offers_export_rows(offers: Iterable[Offer]) -> Iterator[list]:
    """Rows already safe for a spreadsheet (titles like "-20% off" are common, and an
    offer's text may come from a network's feed); the import reads them back unchanged."""
    yield list(COLUMNS)
    for offer in offers:
        yield safe_row(
            [
                offer.external_id,
                offer.merchant.slug,
                offer.title,
                offer.offer_type,
                offer.coupon_code,
                offer.description,
                offer.category.slug if offer.category_id else "",
                offer.cashback_type,
                "" if offer.cashback_value is None else offer.cashback_value,
                "" if offer.cashback_max is None else offer.cashback_max,
                offer.tracking_url,
                offer.terms,
                offer.starts_at.isoformat() if offer.starts_at else "",
                offer.ends_at.isoformat() if offer.ends_at else "",
                offer.status,
                "yes" if offer.is_featured else "",
                "yes" if offer.is_exclusive else "",
                "yes" if offer.is_verified else "",
                offer.priority,
                ",".join(offer.allowed_countries),
                ",".join(offer.allowed_devices),
            ]
        )
