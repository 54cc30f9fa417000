from django.core.management.base import CommandError

from config.errors import Refusal
from offers.services.imports import offers_import_file

from ..network_file import NetworkFileCommand


class Command(NetworkFileCommand):
    help = (
        "Upsert a network's offers from a CSV or JSON file, by external id. Bad rows are "
        "reported with their line numbers; good rows still import. Exits 1 if any row failed."
    )

    def handle(self, *args, network_slug, path, **options):
        network = self.network(network_slug)
        if path.suffix.lower() not in (".csv", ".json"):
            raise CommandError("The file must end in .csv or .json.")
        try:
            report = offers_import_file(network=network, content=path.read_bytes(), name=path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except Refusal as refused:
            raise CommandError(f"Cannot read {path}: {refused.detail}") from refused
        failures = [f"{line}: {message}" for line, message in report.errors]
        self.finish(network, path, report.summary(), failures, "rejected; the others were imported")
