from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.errors import Refusal
from offers.models import Network
from offers.services.imports import offers_import_file


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
        if path.suffix.lower() not in (".csv", ".json"):
            raise CommandError("The file must end in .csv or .json.")
        try:
            report = offers_import_file(network=network, content=path.read_bytes(), name=path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except Refusal as refused:
            raise CommandError(f"Cannot read {path}: {refused.detail}") from refused
        for line, message in report.errors:
            self.stderr.write(f"{path.name}:{line}: {message}")
        self.stdout.write(f"{network.slug}: {report.summary()}.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} row(s) rejected; the others were imported.")
