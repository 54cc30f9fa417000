from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tracking.models import PostbackLog
from tracking.services.replay import postbacks_replay


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise CommandError(f"--since {value!r} is not a date (2026-11-20) or an ISO datetime.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Re-apply logged network and conversion postbacks received since a moment (after an "
        "outage, or once a missing FX rate is added). Safe to repeat: postbacks are "
        "idempotent. Only authenticated ones are replayed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="Date or ISO datetime.")
        parser.add_argument("--network", help="Only this network's slug.")
        parser.add_argument("--campaign", help="Only this campaign's conversion postbacks.")

    def handle(self, *args, since, network=None, campaign=None, **options):
        logs = PostbackLog.objects.filter(
            authenticated=True,
            method__in=["GET", "POST"],
            received_at__gte=_since(since),
        ).select_related("network")
        if network:
            logs = logs.filter(kind=PostbackLog.Kind.NETWORK, network__slug=network)
        if campaign:
            logs = logs.filter(kind=PostbackLog.Kind.CONVERSION, source=campaign)
        report = postbacks_replay(logs=logs.order_by("id").iterator(chunk_size=500))
        for log_id, code, detail in report.failures:
            self.stderr.write(f"postback log {log_id}: {code}: {detail}")
        self.stdout.write(f"Replayed: {report.summary()}.")
