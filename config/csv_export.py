"""Every CSV we write goes through here, so no cell of it runs as a spreadsheet formula.

Sub ids, UTM values, referrers, names, emails and payout details are typed by visitors;
a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` leaks the sheet, DDE runs
commands). As OWASP advises, such a text cell gets a leading `'`, which spreadsheets
read as "this is text". Numbers (int, Decimal, float) are ours and pass untouched: a
statement's `-5.00` stays a number a spreadsheet can add up.

The rule is idempotent (`'=x` starts with a quote, so it is never prefixed again), which
makes it safe to apply to a row that already went through it.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def unquote_cell(value: str) -> str:
    """A cell of a file we exported, as it was before `safe_cell` (for importers that read
    our own exports back). A value that itself began with a quote before `=` comes back
    without that quote: rare, and a quote that only hid a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _Writer:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _Writer:
    """`csv.writer`, with every text cell made safe."""
    return _Writer(out, **options)


class DictWriter(csv.DictWriter):
    """`csv.DictWriter`, with every text cell made safe."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)
