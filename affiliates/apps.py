from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "affiliates"
    verbose_name = "Affiliates"

    def ready(self):
        from wallet.signals import withdrawal_settled

        from . import receivers, schema  # noqa: F401 (schema registers the Api-Key scheme)

        withdrawal_settled.connect(
            receivers.on_withdrawal_settled, dispatch_uid="affiliates.payout"
        )
