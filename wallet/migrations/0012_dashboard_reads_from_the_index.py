# The shopper dashboard's sums (lifetime earned, the monthly chart) read covering indexes
# instead of one heap page per event: a busy shopper's page no longer slows down as their
# history grows. New indexes first, so the dashboard never runs without one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0011_sale_dates_fx_and_amendments"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="cashbackevent",
            index=models.Index(
                fields=["user", "sale_at"],
                include=("status", "cashback_amount"),
                name="wallet_event_user_sale",
            ),
        ),
        migrations.AddIndex(
            model_name="cashbackevent",
            index=models.Index(
                fields=["user", "status"],
                include=("cashback_amount", "currency"),
                name="wallet_event_user_status_cur",
            ),
        ),
        migrations.RemoveIndex(
            model_name="cashbackevent",
            name="wallet_event_user_status",
        ),
        migrations.RemoveIndex(
            model_name="cashbackevent",
            name="wallet_cash_user_id_8caa15_idx",
        ),
    ]
