from django.conf import settings
from django.db import migrations


def create_methods(apps, schema_editor):
    from wallet.defaults import ensure_withdrawal_methods

    ensure_withdrawal_methods(apps, settings.PLATFORM_CURRENCY)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0003_withdrawals_and_payouts")]

    operations = [migrations.RunPython(create_methods, migrations.RunPython.noop)]
