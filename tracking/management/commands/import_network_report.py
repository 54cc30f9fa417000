import csv

from django.core.management.base import CommandError

from offers.management.network_file import NetworkFileCommand
from tracking.services.replay import network_report_import


class Command(NetworkFileCommand):
    help = (
        "Apply a network's CSV report (one sale per row, the network's own column names) "
        "through the same service as postbacks. Idempotent: already-known sales are "
        "duplicates. Exits 1 if any row failed."
    )

    def handle(self, *args, network_slug, path, **options):
        network = self.network(network_slug)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                report = network_report_import(
                    network=network, rows=((reader.line_num, row) for row in reader)
                )
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        failures = [f"{line}: {code}: {detail}" for line, code, detail in report.failures]
        self.finish(network, path, report.summary(), failures, "failed; the others were applied")
