from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Tracking"

    def ready(self):
        # The redirects' row caches connect their invalidation receivers when created:
        # every process (web, worker, shell) must bump them when it changes a row.
        from .services import clicks, go  # noqa: F401
