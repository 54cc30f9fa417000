from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "store"
    verbose_name = "Gift-card store"

    def ready(self):
        from accounts.signals import account_purged

        from . import receivers

        account_purged.connect(receivers.on_account_purged, dispatch_uid="store.account_purged")
