"""Start races whose start has come and complete (pay) those whose end has passed."""

from django.core.management.base import BaseCommand

from gamification.services.races import races_tick


class Command(BaseCommand):
    help = "Move races upcoming → live → completed by the clock."

    def handle(self, *args, **options):
        moved = races_tick()
        self.stdout.write(f"{moved['started']} started, {moved['completed']} completed.")
