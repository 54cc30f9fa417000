"""Postback logs written before credentials were redacted still hold networks' and
campaigns' tokens in clear: redact them with the same rules as new rows."""

from django.db import migrations


def redact(apps, schema_editor):
    from tracking.services.postback_log import postback_logs_redact

    postback_logs_redact(apps.get_model("tracking", "PostbackLog"))


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0002_catalog"),
        ("tracking", "0003_affiliate_clicks"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop, elidable=True)]
