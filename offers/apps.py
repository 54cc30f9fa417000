from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Catalog"

    def ready(self):
        from . import receivers

        receivers.connect()
