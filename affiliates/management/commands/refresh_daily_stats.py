from django.core.management.base import BaseCommand

from affiliates.services.stats import WINDOW_DAYS, daily_stats_refresh


class Command(BaseCommand):
    help = "Recount the daily campaign and partner figures behind the affiliate top lists."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=WINDOW_DAYS, help="trailing days")
        parser.add_argument("--all", action="store_true", help="every day there is data for")

    def handle(self, *args, days=WINDOW_DAYS, all=False, **options):
        rows = daily_stats_refresh(days=None if all else days)
        if rows < 0:
            self.stderr.write("Another refresh is running; nothing done.")
            return
        self.stdout.write(f"{rows} daily row(s) written.")
