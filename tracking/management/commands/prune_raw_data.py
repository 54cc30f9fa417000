from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracking.services.retention import BATCH_SIZE, PruneRefused, raw_data_prune


class Command(BaseCommand):
    help = (
        "Delete raw clicks without a sale, postback logs not behind a sale and finished "
        "partner postback deliveries older than RAW_DATA_RETENTION_DAYS, in batches. Safe "
        "to stop and run again: it goes on where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.RAW_DATA_RETENTION_DAYS,
            help=f"Keep this many days (at least {settings.RAW_DATA_MIN_RETENTION_DAYS}).",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--max-seconds", type=float, help="Stop after about this long; the next run resumes."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count only; delete nothing.")

    def handle(self, *args, days, batch_size, max_seconds, dry_run, **options):
        if max_seconds is not None and max_seconds <= 0:
            raise CommandError("--max-seconds must be positive.")
        try:
            reports = raw_data_prune(
                days=days, batch_size=batch_size, dry_run=dry_run, max_seconds=max_seconds
            )
        except PruneRefused as refused:
            raise CommandError(refused.detail) from refused
        verb = "would delete" if dry_run else "deleted"
        for report in reports:
            line = f"{report.table}: {verb} {report.deleted}, kept {report.kept}"
            if not report.finished:
                line += " (not all yet: the next run goes on)"
            self.stdout.write(line)
