"""Register the bot's webhook with Telegram: SITE_URL/telegram/webhook/ and the secret
Telegram will send back in X-Telegram-Bot-Api-Secret-Token."""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from support.telegram.client import bot_call
from support.telegram.errors import TelegramError


class Command(BaseCommand):
    help = "Register SITE_URL/telegram/webhook/ (with TELEGRAM_WEBHOOK_SECRET) with the Bot API."

    def add_arguments(self, parser):
        parser.add_argument(
            "--drop-pending-updates",
            action="store_true",
            help="Discard the updates Telegram queued while no webhook answered.",
        )

    def handle(self, *args, drop_pending_updates=False, **options):
        missing = [
            name
            for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "SITE_URL")
            if not getattr(settings, name)
        ]
        if missing:
            raise CommandError(f"Set {', '.join(missing)} first.")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", settings.TELEGRAM_WEBHOOK_SECRET):
            # Telegram's rule for secret_token; its value is not printed.
            raise CommandError(
                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -."
            )
        if not settings.SITE_URL.startswith("https://"):
            self.stderr.write("Telegram only delivers webhooks to https:// addresses.")
        url = settings.SITE_URL + reverse("support:telegram-webhook")
        payload = {
            "url": url,
            "secret_token": settings.TELEGRAM_WEBHOOK_SECRET,
            "allowed_updates": ["message"],
            "drop_pending_updates": drop_pending_updates,
        }
        try:
            bot_call("setWebhook", payload)
        except TelegramError as exc:  # its text never holds the token (see the client)
            raise CommandError(f"Telegram refused the webhook: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Webhook set to {url}."))
