"""The stripe gateway (to be written: checkout, webhook verification, status, refunds)."""

from .base import Gateway


class StripeGateway(Gateway):
    name = "stripe"
