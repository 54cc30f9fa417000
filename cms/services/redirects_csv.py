"""CSV import and export of redirect rules.

Columns: source,target,status,match,keep_query_string,active (a header row; match,
keep_query_string and active may be left out: exact, yes, yes). All or nothing: if any
row is refused, no row is written and every refused row is listed with its line number,
so a file is fixed and uploaded again rather than half applied. Rows are checked in
order against the database and the rows above them, so a chain or loop inside the file
is caught too. A row whose match and source exist already updates that rule.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from config import csv_export
from config.errors import Refusal

from ..models import RedirectRule
from .redirects import RuleInput, redirect_save

COLUMNS = ("source", "target", "status", "match", "keep_query_string", "active")
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
_YES = {"1", "true", "yes", "y"}
_NO = {"0", "false", "no", "n"}


class ImportRefused(Refusal):
    code = "import_refused"


@dataclass
class ImportReport:
    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _flag(value: str, line: int, name: str) -> bool:
    value = (value or "").strip().lower()
    if value == "":
        return True
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise Refusal("flag_invalid", f"{name} must be yes or no, not {value[:20]!r}.")


def _row_input(row: dict, line: int) -> RuleInput:
    try:
        status = int((row.get("status") or "301").strip())
    except ValueError as exc:
        raise Refusal("status_invalid", "Status must be 301, 302 or 410.") from exc
    return RuleInput(
        match=(row.get("match") or "exact").strip().lower(),
        source=csv_export.unquote_cell(row.get("source") or ""),
        target=csv_export.unquote_cell(row.get("target") or ""),
        status_code=status,
        keep_query_string=_flag(row.get("keep_query_string"), line, "keep_query_string"),
        is_active=_flag(row.get("active"), line, "active"),
    )


def redirects_import(content: bytes) -> ImportReport:
    if len(content) > MAX_BYTES:
        raise ImportRefused("file_too_big", "The file is over 5 MB; split it.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("not_utf8", "The file is not UTF-8 text.") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = {"source", "target", "status"} - set(reader.fieldnames or ())
    if missing:
        raise ImportRefused(
            "columns_missing", f"The header row lacks: {', '.join(sorted(missing))}."
        )
    report = ImportReport()
    with transaction.atomic():
        for number, row in enumerate(reader, start=2):  # line 1 is the header
            if number - 1 > MAX_ROWS:
                raise ImportRefused("too_many_rows", f"At most {MAX_ROWS} rows per file.")
            try:
                with transaction.atomic():
                    redirect_save(_row_input(row, number), origin=RedirectRule.Origin.IMPORT)
            except Refusal as refusal:
                report.errors.append((number, refusal.detail))
            else:
                report.written += 1
        if report.errors:
            report.written = 0
            transaction.set_rollback(True)
    return report


def redirects_export_rows(rules):
    yield COLUMNS
    for rule in rules:
        yield (
            rule.source,
            rule.target,
            rule.status_code,
            rule.match,
            "yes" if rule.keep_query_string else "no",
            "yes" if rule.is_active else "no",
        )
