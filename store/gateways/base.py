"""What every gateway does. Network calls happen outside database transactions; the
services that call them write the results in their own."""

from dataclasses import dataclass
from decimal import Decimal


class GatewayError(Exception):
    """The provider could not be reached or refused the call (the message is safe to log:
    it never carries keys or card data)."""


class WebhookRejected(Exception):
    """A webhook that is not provably the provider's: the view answers 400."""


@dataclass(frozen=True)
class Checkout:
    provider_order_id: str
    checkout_url: str


@dataclass(frozen=True)
class WebhookEvent:
    """One verified event, in our words."""

    event_id: str
    event_type: str
    # The payment it is about, by the provider's order/session id.
    provider_order_id: str
    # "captured", "failed" (this attempt; the shopper may retry), "expired" (final),
    # "refunded", or "" for events we record and ignore.
    outcome: str
    amount: Decimal | None = None
    currency: str = ""
    provider_payment_id: str = ""


@dataclass(frozen=True)
class RemoteStatus:
    """What the provider says about a payment now (reconciliation)."""

    outcome: str  # "captured", "failed", "expired", "pending"
    amount: Decimal | None = None
    currency: str = ""
    provider_payment_id: str = ""


class Gateway:
    name = ""

    def create_checkout(self, payment, *, return_url: str) -> Checkout:
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers) -> list[WebhookEvent]:
        """Verify the signature over the raw body (constant time) and read the events;
        raises WebhookRejected."""
        raise NotImplementedError

    def fetch_status(self, payment) -> RemoteStatus:
        raise NotImplementedError

    def refund(self, payment, amount: Decimal, *, reference: str) -> str:
        """Refund `amount` of a captured payment; the provider's refund id. `reference`
        makes a retry the same refund."""
        raise NotImplementedError


def to_minor(amount: Decimal) -> int:
    """Gateways count in the currency's minor unit (cents, paise)."""
    return int((amount * 100).to_integral_value())


def from_minor(value) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
