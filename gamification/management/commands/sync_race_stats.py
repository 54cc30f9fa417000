"""Read the partner's stats feed once and update every live race (the beat task runs the
same every 15 minutes). Exits non-zero when the feed is not set up or its answer is
refused; a refused answer changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from config.errors import Refusal
from gamification.services.race_feed import race_stats_sync
from gamification.services.races import races_tick


class Command(BaseCommand):
    help = "Fetch RACE_STATS_URL and update the standings of live races."

    def handle(self, *args, **options):
        races_tick()
        try:
            report = race_stats_sync()
        except Refusal as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} feed rows; {report.updated} participant(s) updated "
                f"in {report.races} live race(s)."
            )
        )
