from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from . import (  # noqa: F401
            checks,  # SITE_URL must be https for RFC 8058
            receivers,  # slug-change redirects, the newsletter on account close/purge
        )
