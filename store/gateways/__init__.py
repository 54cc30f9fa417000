"""Payment gateways behind one interface (base.Gateway): razorpay, stripe, and `fake`,
the local pay page that makes `make run` work without an account anywhere."""

from django.conf import settings

from ..services.errors import StoreRefused
from .base import Gateway, GatewayError, WebhookEvent, WebhookRejected

__all__ = [
    "Gateway",
    "GatewayError",
    "WebhookEvent",
    "WebhookRejected",
    "gateway_for_webhook",
    "gateway_get",
]


def _registry() -> dict[str, type[Gateway]]:
    from .fake import FakeGateway
    from .razorpay import RazorpayGateway
    from .stripe import StripeGateway

    return {g.name: g for g in (RazorpayGateway, StripeGateway, FakeGateway)}


def _usable(name: str) -> bool:
    if name == "fake" and not settings.DEBUG:
        return False  # a pay page that pays nothing: never in production
    return name in settings.STORE_GATEWAYS


def gateway_get(name: str) -> Gateway:
    """The gateway a shopper may pay with; refuses unknown and disabled ones."""
    cls = _registry().get(name or "")
    if cls is None or not _usable(name):
        raise StoreRefused(
            "gateway_unavailable",
            "Choose a payment method we offer: " + (", ".join(enabled_gateways()) or "none") + ".",
            "gateway",
        )
    return cls()


def gateway_for_webhook(name: str) -> Gateway | None:
    """The gateway a webhook URL names, if it is one we use (else the view answers 404)."""
    cls = _registry().get(name)
    if cls is None or not _usable(name):
        return None
    return cls()


def enabled_gateways() -> list[str]:
    return [name for name in _registry() if _usable(name)]
