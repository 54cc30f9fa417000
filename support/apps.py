from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from wallet.signals import cashback_confirmed, withdrawal_status_changed

        from . import receivers

        cashback_confirmed.connect(receivers.on_cashback_confirmed, dispatch_uid="support.cashback")
        withdrawal_status_changed.connect(
            receivers.on_withdrawal_status_changed, dispatch_uid="support.withdrawal"
        )
