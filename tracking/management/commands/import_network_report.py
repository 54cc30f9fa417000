import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offers.models import Network
from tracking.services.replay import network_report_import


class Command(BaseCommand):
    help = (
        "Apply a network's CSV report (one sale per row, the network's own column names) "
        "through the same service as postbacks. Idempotent: already-known sales are "
        "duplicates. Exits 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("network_slug")
        parser.add_argument("path", type=Path)

    def handle(self, *args, network_slug, path, **options):
        network = Network.objects.filter(slug=network_slug).first()
        if network is None:
            raise CommandError(f"No network {network_slug!r}.")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                report = network_report_import(
                    network=network, rows=((reader.line_num, row) for row in reader)
                )
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        for line, code, detail in report.failures:
            self.stderr.write(f"{path.name}:{line}: {code}: {detail}")
        self.stdout.write(f"{network.slug}: {report.summary()}.")
        if report.failures:
            raise CommandError(f"{len(report.failures)} row(s) failed; the others were applied.")
