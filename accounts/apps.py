from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_migrate

        from . import receivers

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="accounts.session_record")
        user_logged_out.connect(
            receivers.on_user_logged_out, dispatch_uid="accounts.session_forget"
        )
        post_migrate.connect(receivers.on_post_migrate, dispatch_uid="accounts.roles_sync")
