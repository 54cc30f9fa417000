from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = "Wallet"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_defaults, sender=self, dispatch_uid="wallet.defaults")


def _ensure_defaults(sender, apps=None, **kwargs):
    # After migrate, and after flush (tests), the five withdrawal methods exist. flush
    # sends no `apps`: then the current models are the ones to use.
    from django.apps import apps as current_apps
    from django.conf import settings

    from .defaults import ensure_withdrawal_methods

    ensure_withdrawal_methods(apps or current_apps, settings.PLATFORM_CURRENCY)
