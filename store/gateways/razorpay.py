"""The razorpay gateway (to be written: checkout, webhook verification, status, refunds)."""

from .base import Gateway


class RazorpayGateway(Gateway):
    name = "razorpay"
