"""The roll-up now decides which affiliate clicks are unique (tracking/services/
unique_visitors.py). Every click already written was decided by /go/ when it was made:
the decision's watermark starts after the newest of them, so none is decided twice
(deciding again would find its own key taken in Redis and call it a repeat).

A click an old worker writes between this migration and its restart is decided by both;
a first visit among those few seconds of clicks may count as a repeat."""

from django.db import migrations
from django.db.models import Max


def start_after_the_clicks_decided_by_go(apps, schema_editor):
    AffiliateClick = apps.get_model("tracking", "AffiliateClick")
    RollupState = apps.get_model("tracking", "RollupState")
    newest = AffiliateClick.objects.aggregate(newest=Max("pk"))["newest"] or 0
    RollupState.objects.get_or_create(name="affiliate_click_unique", defaults={"last_id": newest})


class Migration(migrations.Migration):
    dependencies = [("tracking", "0006_prune_state_and_offer_clicks_before")]

    operations = [
        migrations.RunPython(start_after_the_clicks_decided_by_go, migrations.RunPython.noop),
    ]
