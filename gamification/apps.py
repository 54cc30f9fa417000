from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self):
        from accounts.signals import referral_activated
        from wallet.signals import cashback_confirmed

        from . import receivers

        cashback_confirmed.connect(
            receivers.on_cashback_confirmed, dispatch_uid="gamification.cashback"
        )
        referral_activated.connect(
            receivers.on_referral_activated, dispatch_uid="gamification.referral"
        )
