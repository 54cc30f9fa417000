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

    def minimum_charge(self, currency: str) -> Decimal:
        """The smallest amount the provider charges in `currency` (below it, it refuses
        the checkout)."""
        return Decimal("0.01")

    def refund(self, payment, amount: Decimal, *, reference: str) -> str:
        """Refund `amount` of a captured payment; the provider's refund id. `reference`
        makes a retry the same refund."""
        raise NotImplementedError


# Both providers count amounts in the currency's smallest unit, and both say which
# currencies have none or three decimals (Stripe "Supported currencies", Razorpay
# "Currency Conversion"): ¥500 is 500, not 50000; KWD 29.99 is 29990.
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])
CENTS = Decimal("0.01")


def minor_exponent(currency: str) -> int:
    code = (currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor(amount: Decimal, currency: str) -> int:
    """`amount` in `currency`'s minor unit. An amount the currency cannot carry (¥10.50)
    is a GatewayError: nothing is asked of the provider, nothing charged."""
    scaled = Decimal(amount).scaleb(minor_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise GatewayError(f"{currency} {amount} is not a whole number of {currency}'s units")
    return int(scaled)


def from_minor(value, currency: str) -> Decimal:
    """A provider's minor-unit integer back to our amount (two places when it fits, so it
    compares and prints like ours; a third decimal is kept, never rounded away)."""
    exact = Decimal(int(value)).scaleb(-minor_exponent(currency))
    cents = exact.quantize(CENTS)
    return cents if cents == exact else exact
