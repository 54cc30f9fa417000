"""Signal receivers: thin bridges from Django's events to our services."""

from django.apps import apps as global_apps

from .roles import roles_sync
from .services import session_forget, session_record


def on_user_logged_in(sender, request, user, **kwargs):
    # Every login path (site, admin, API browsable login) lands here.
    if hasattr(request, "session") and request.session.session_key:
        session_record(request=request, user=user)


def on_user_logged_out(sender, request, user, **kwargs):
    if hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)


def on_post_migrate(sender, app_config, apps=global_apps, **kwargs):
    # post_migrate is sent once per app with models, and auth creates each app's
    # permissions as its turn comes: only on the last one do they all exist.
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if app_config.label == with_models[-1].label:
        roles_sync(apps)
