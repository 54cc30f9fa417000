from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "affiliates"
    verbose_name = "Affiliates"

    def ready(self):
        from wallet.signals import withdrawal_settled

        from . import receivers

        withdrawal_settled.connect(
            receivers.on_withdrawal_settled, dispatch_uid="affiliates.payout"
        )
