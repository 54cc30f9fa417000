from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.signals import payout_details_changed, referral_activated
        from wallet.signals import cashback_confirmed, withdrawal_status_changed

        from . import receivers

        cashback_confirmed.connect(receivers.on_cashback_confirmed, dispatch_uid="support.cashback")
        withdrawal_status_changed.connect(
            receivers.on_withdrawal_status_changed, dispatch_uid="support.withdrawal"
        )
        referral_activated.connect(receivers.on_referral_activated, dispatch_uid="support.referral")
        payout_details_changed.connect(
            receivers.on_payout_details_changed, dispatch_uid="support.payout_details"
        )
        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="support.new_device")
