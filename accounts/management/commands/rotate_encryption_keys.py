from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from config.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            names = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not names:
                continue
            rows = 0
            # Loading decrypts with whichever key fits; update() encrypts with the first.
            for pk, *values in model.objects.values_list("pk", *names).iterator(chunk_size=500):
                updates = {n: v for n, v in zip(names, values, strict=True) if v}
                if updates:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**updates)
                    rows += 1
            self.stdout.write(f"{model._meta.label}: re-encrypted {rows} row(s).")
