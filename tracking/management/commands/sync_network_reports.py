from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from config.errors import Refusal
from offers.models import Network
from tracking.services.report_sync import network_reports_sync, networks_to_sync


def _moment(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise CommandError(f"{option} {value!r} is not a date (2026-11-20) or an ISO datetime.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Read a network's transaction report through its report adapter (Awin, CJ) and "
        "apply each sale through the same service as postbacks. Without --since, starts "
        "where the last sync stopped (less an overlap). Safe to repeat: sales already "
        "known are duplicates. Without a network, syncs every active network with an "
        "adapter, as the hourly task does."
    )

    def add_arguments(self, parser):
        parser.add_argument("network_slug", nargs="?")
        parser.add_argument("--since", help="Date or ISO datetime (default: the cursor).")
        parser.add_argument("--until", help="Date or ISO datetime (default: now).")

    def handle(self, *args, network_slug=None, since=None, until=None, **options):
        since_at, until_at = _moment("--since", since), _moment("--until", until)
        if since_at and until_at and since_at >= until_at:
            raise CommandError("--since must be before --until.")
        if network_slug is None:
            networks = list(networks_to_sync())
        else:
            network = Network.objects.filter(slug=network_slug).first()
            if network is None:
                raise CommandError(f"No network {network_slug!r}.")
            networks = [network]
        failed = []
        for network in networks:
            try:
                report = network_reports_sync(network=network, since=since_at, until=until_at)
            except Refusal as exc:
                failed.append(f"{network.slug}: {exc.detail}")
                continue
            for line, code, detail in report.rows.failures:
                self.stderr.write(f"{network.slug}: txn {line}: {code}: {detail}")
            self.stdout.write(f"{network.slug}: {report.summary()}.")
            if report.failed:
                failed.append(f"{network.slug}: stopped: {report.failed.detail}")
        if failed:
            raise CommandError("\n".join(failed))
