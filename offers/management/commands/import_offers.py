import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offers.models import Network
from offers.services.imports import offers_import, read_rows


class Command(BaseCommand):
    help = (
        "Upsert a network's offers from a CSV or JSON file, by external id. Bad rows are "
        "reported with their line numbers; good rows still import. Exits 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("network_slug")
        parser.add_argument("path", type=Path)

    def handle(self, *args, network_slug, path, **options):
        network = Network.objects.filter(slug=network_slug).first()
        if network is None:
            raise CommandError(f"No network {network_slug!r}.")
        fmt = {".csv": "csv", ".json": "json"}.get(path.suffix.lower())
        if fmt is None:
            raise CommandError("The file must end in .csv or .json.")
        try:
            content = path.read_text(encoding="utf-8-sig")
            report = offers_import(network=network, rows=read_rows(content, fmt))
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        for line, message in report.errors:
            self.stderr.write(f"{path.name}:{line}: {message}")
        self.stdout.write(f"{network.slug}: {report.summary()}.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} row(s) rejected; the others were imported.")
