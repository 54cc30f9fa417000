from django.core.management.base import BaseCommand

from gamification.services.leaderboard_live import leaderboards_refresh


class Command(BaseCommand):
    help = "Recompute the live standings of every active leaderboard (beat: every 5 minutes)."

    def handle(self, *args, **options):
        counts = leaderboards_refresh()
        for slug, ranked in counts.items():
            self.stdout.write(f"{slug}: {ranked} shopper(s) ranked")
        self.stdout.write(f"Refreshed {len(counts)} leaderboard(s).")
