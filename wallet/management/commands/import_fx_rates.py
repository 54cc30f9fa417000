import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wallet.services.fx import fx_rates_import


class Command(BaseCommand):
    help = (
        "Add or update FX rates from a CSV file of `date,currency,rate` rows (rate = platform "
        "units per one unit of currency; the header row is optional). All or nothing: any "
        "bad row is reported with its line and nothing is imported (exit 1). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--allow-jumps",
            action="store_true",
            help="Take rates more than FX_RATE_MAX_JUMP_PERCENT away from the currency's "
            "nearest one (a real devaluation), which are refused otherwise.",
        )

    def handle(self, *args, path: Path, allow_jumps: bool = False, **options):
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                report = fx_rates_import(
                    rows=((reader.line_num, row) for row in reader),
                    source=f"file {path.name}",
                    allow_jumps=allow_jumps,
                )
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        for line, message in report.errors:
            self.stderr.write(f"{path.name}:{line}: {message}")
        self.stdout.write(f"FX rates from {path.name}: {report.summary()}.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} row(s) failed; nothing was imported.")
