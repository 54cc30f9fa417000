"""The five ways to withdraw, with starting minimums and fees staff can change."""

from decimal import Decimal

from django.db import migrations

METHODS = [
    # code, name, minimum, fixed fee, percent fee, order
    ("paypal", "PayPal", "5.00", "0.00", "2.0000", 1),
    ("bank", "Bank transfer", "10.00", "0.50", "0.0000", 2),
    ("upi", "UPI", "1.00", "0.00", "0.0000", 3),
    ("gift_card", "Gift card", "5.00", "0.00", "0.0000", 4),
    ("crypto", "Crypto (USDT)", "20.00", "1.00", "1.0000", 5),
]


def create_methods(apps, schema_editor):
    WithdrawalMethod = apps.get_model("wallet", "WithdrawalMethod")
    for code, name, minimum, fixed, percent, order in METHODS:
        WithdrawalMethod.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "minimum_amount": Decimal(minimum),
                "fee_fixed": Decimal(fixed),
                "fee_percent": Decimal(percent),
                "sort_order": order,
                "currency": "USD",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("wallet", "0003_withdrawals_and_payouts")]

    operations = [migrations.RunPython(create_methods, migrations.RunPython.noop)]
