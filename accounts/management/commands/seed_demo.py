"""Load the demo data: the same accounts and catalog every time, however often it runs.

Each app that has demo data provides `<app>/demo.py` with `seed(stdout) -> list[str]`
(lines to print); apps are seeded in INSTALLED_APPS order, so later ones can rely on
earlier ones. Nothing here imports another app directly.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent). Refuses when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG off: it creates accounts with "
                "published passwords. Use --force only on a throwaway database."
            )
        lines = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                lines += import_module(module_name).seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in lines:
            self.stdout.write(f"  {line}")
