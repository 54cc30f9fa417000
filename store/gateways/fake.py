"""The `fake` gateway: a local pay page with Pay and Fail buttons, so `make run` can buy
with a card without any provider account. Refused whenever DEBUG is off."""

from django.urls import reverse

from .base import Checkout, Gateway, RemoteStatus


class FakeGateway(Gateway):
    name = "fake"

    def create_checkout(self, payment, *, return_url: str) -> Checkout:
        from django.conf import settings

        ref = f"fake_{payment.pk}"
        return Checkout(ref, settings.SITE_URL + reverse("store:fake-pay", args=[ref]))

    def parse_webhook(self, body, headers):
        from .base import WebhookRejected

        raise WebhookRejected("The fake gateway sends no webhooks.")

    def fetch_status(self, payment) -> RemoteStatus:
        return RemoteStatus("pending")

    def refund(self, payment, amount, *, reference: str) -> str:
        return f"fake_refund_{reference}"
