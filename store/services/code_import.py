"""Staff bring voucher codes into a variant's pool from a CSV file, all or nothing.

The file is `code,pin,expires_on` with that header, UTF-8 (a spreadsheet's BOM is fine),
at most MAX_ROWS rows and MAX_BYTES bytes. Every row is checked before anything is
written; if one is refused, none is imported and every refused row is listed by its row
number in the file (the header is row 1). A refusal never quotes a cell: the file is full
of bearer secrets, and the page that lists the errors must not show one ("row 7:
duplicate of row 3", not the code).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import audit_log

from ..models import Code, CodeImport, Product, Variant
from .codes import code_digest, last4, normalise
from .errors import StoreRefused
from .stock_alerts import low_stock_rearm

HEADER = ["code", "pin", "expires_on"]
MAX_ROWS = 10_000
MAX_BYTES = 2 * 1024 * 1024
# Shorter codes would be mostly shown by their last four characters in the admin.
MIN_CODE_LENGTH = 6
MAX_CODE_LENGTH = 200
MAX_PIN_LENGTH = 40
MAX_ERRORS_SHOWN = 200


class CodeImportInvalid(StoreRefused):
    """The file was refused; nothing was imported. `errors`: one sentence per refused row."""

    code = "invalid_csv"

    def __init__(self, detail: str, errors: list[str] | None = None):
        super().__init__(detail=detail, field="file")
        self.errors = errors or []


@dataclass
class _Row:
    number: int
    code: str
    pin: str
    expires_on: date | None
    digest: str = field(default="")


def _text(file) -> str:
    size = getattr(file, "size", None)
    raw = file.read(MAX_BYTES + 1)
    if (size is not None and size > MAX_BYTES) or len(raw) > MAX_BYTES:
        raise CodeImportInvalid("The file is larger than 2 MB; split it.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeImportInvalid("The file is not UTF-8 text; save it as CSV UTF-8.") from exc


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)  # YYYY-MM-DD only: 03/04/2027 means two dates


def _rows(text: str) -> tuple[list[_Row], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise CodeImportInvalid("The file is empty: it needs the header row.") from exc
    if [cell.strip().lower() for cell in header] != HEADER:
        raise CodeImportInvalid("The first row must be the header code,pin,expires_on.")
    today = timezone.localdate()
    rows, errors = [], []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line (spreadsheets add them at the end)
            if len(rows) + len(errors) >= MAX_ROWS:
                raise CodeImportInvalid(f"At most {MAX_ROWS:,} codes per file; split it.")
            problem, row = _row(number, cells, today, seen)
            if problem:
                errors.append(f"row {number}: {problem}")
            else:
                rows.append(row)
    except csv.Error as exc:
        raise CodeImportInvalid(f"Row {reader.line_num} is not valid CSV.") from exc
    return rows, errors


def _row(number: int, cells: list[str], today: date, seen: dict[str, int]):
    if len(cells) > len(HEADER):
        return "more than three columns", None
    code, pin, expires = [*cells, "", "", ""][:3]
    code, pin, expires = code.strip(), pin.strip(), expires.strip()
    if not code:
        return "blank code", None
    if not (code.isprintable() and pin.isprintable()):
        # A NUL or a control character nobody could type at the till.
        return "invisible characters in the code or PIN", None
    if not MIN_CODE_LENGTH <= len(normalise(code)) <= MAX_CODE_LENGTH:
        return f"a code has {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} characters", None
    if len(pin) > MAX_PIN_LENGTH:
        return f"a PIN has at most {MAX_PIN_LENGTH} characters", None
    expires_on = None
    if expires:
        try:
            expires_on = _parse_date(expires)
        except ValueError:
            return "bad date in expires_on (use YYYY-MM-DD)", None
        if expires_on <= today:
            return "expired", None
    digest = code_digest(code)
    if digest in seen:
        return f"duplicate of row {seen[digest]}", None
    seen[digest] = number
    return None, _Row(number, code, pin, expires_on, digest)


def _in_stock(rows: list[_Row]) -> list[str]:
    """Rows whose code we already hold, in this variant or any other (digests, no decrypt)."""
    by_digest = {row.digest: row.number for row in rows}
    taken = set()
    digests = list(by_digest)
    for start in range(0, len(digests), 1000):
        taken |= set(
            Code.objects.filter(digest__in=digests[start : start + 1000]).values_list(
                "digest", flat=True
            )
        )
    return [f"row {by_digest[d]}: already in stock" for d in sorted(taken, key=by_digest.get)]


def codes_import_csv(*, variant: Variant, file, actor, request=None) -> CodeImport:
    """Import every row of `file` into `variant`'s pool, or none. Raises CodeImportInvalid
    (its `errors` list the refused rows) and StoreRefused `not_pooled`."""
    if variant.product.source != Product.Source.POOL:
        raise StoreRefused(
            "not_pooled", "This product's codes do not come from our inventory.", "variant"
        )
    rows, errors = _rows(_text(file))
    errors += _in_stock(rows)
    if errors:
        errors.sort(key=lambda line: int(line.split(":")[0].split()[1]))
        raise CodeImportInvalid(
            f"Nothing imported: {len(errors)} row(s) refused.", errors[:MAX_ERRORS_SHOWN]
        )
    if not rows:
        raise CodeImportInvalid("The file has a header but no codes.")
    try:
        with transaction.atomic():
            batch = CodeImport.objects.create(
                variant=variant,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                filename=(getattr(file, "name", "") or "")[:200],
                rows=len(rows),
                imported=len(rows),
            )
            Code.objects.bulk_create(
                [
                    Code(
                        variant=variant,
                        code=row.code,
                        pin=row.pin,
                        last4=last4(row.code),
                        digest=row.digest,
                        expires_on=row.expires_on,
                        code_import=batch,
                    )
                    for row in rows
                ],
                batch_size=500,
            )
            audit_log(
                actor=actor,
                action="store.codes_import",
                entity=batch,
                metadata={"variant": variant.pk, "rows": len(rows), "imported": len(rows)},
                request=request,
            )
            low_stock_rearm(variant_id=variant.pk)
    except IntegrityError as exc:
        # Another import took one of these codes between our check and our insert.
        taken = _in_stock(rows)
        raise CodeImportInvalid(
            f"Nothing imported: {len(taken)} row(s) refused.", taken[:MAX_ERRORS_SHOWN]
        ) from exc
    return batch
