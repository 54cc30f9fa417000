"""Create the staff roles (groups) with their permissions.

Permissions are normally created after `migrate` finishes, so they are created here
first for the models that exist at this point. Models added later reach the roles
through the post_migrate hook in accounts.receivers, from the same table.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import roles_sync

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    roles_sync(apps)


def remove_roles(apps, schema_editor):
    from accounts.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("offers", "0001_initial"),
        ("tracking", "0001_initial"),
        ("wallet", "0001_initial"),
        ("affiliates", "0001_initial"),
        ("campaigns", "0001_initial"),
        ("gamification", "0001_initial"),
        ("support", "0001_initial"),
        ("cms", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
