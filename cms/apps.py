from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the slug-change redirects)
