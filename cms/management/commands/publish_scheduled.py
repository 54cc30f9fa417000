from django.core.management.base import BaseCommand

from cms.services.publishing import publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish the scheduled pages and posts whose time has come (what the "
        "publish-scheduled beat task does every minute). Safe to run any time, and twice."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{publish_scheduled()} published.")
