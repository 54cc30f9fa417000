"""The shape of `manage.py <command> <network_slug> <path>`: a network's file, read whole,
applied row by row, with bad rows reported as `file:line: message` and exit 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offers.models import Network


class NetworkFileCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("network_slug")
        parser.add_argument("path", type=Path)

    def network(self, slug: str) -> Network:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise CommandError(f"No network {slug!r}.")
        return network

    def finish(self, network: Network, path: Path, summary: str, failures: list[str], verb: str):
        for failure in failures:
            self.stderr.write(f"{path.name}:{failure}")
        self.stdout.write(f"{network.slug}: {summary}.")
        if failures:
            raise CommandError(f"{len(failures)} row(s) {verb}.")
