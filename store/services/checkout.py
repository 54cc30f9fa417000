"""Starting a gateway checkout for a placed order, after its transaction committed."""

import logging

from django.conf import settings

from ..gateways import GatewayError, gateway_get
from ..models import Order, Payment
from .errors import GatewayUnavailable

log = logging.getLogger(__name__)


def checkout_start(order: Order) -> Payment:
    """Ask the gateway for a checkout (once: a replayed order reuses it). If the gateway
    cannot be reached, the order fails at once and gives back its codes and wallet hold."""
    payment = order.payments.order_by("pk").last()
    if payment.provider_order_id:
        return payment
    try:
        checkout = gateway_get(payment.provider).create_checkout(
            payment, return_url=settings.SITE_URL + order.get_absolute_url()
        )
    except GatewayError as exc:
        log.warning("checkout for order %s failed: %s", order.number, exc)
        from .order_release import order_fail

        order_fail(order, reason="The payment provider could not be reached.")
        raise GatewayUnavailable(
            detail="The payment provider could not be reached; nothing was charged. Try again."
        ) from exc
    # Only the first start is kept: two replays of the order racing here would otherwise
    # each store their own provider order, and a shopper paying the overwritten one would
    # pay for nothing we can find (Stripe's idempotency key makes its two the same).
    stored = Payment.objects.filter(pk=payment.pk, provider_order_id="").update(
        provider_order_id=checkout.provider_order_id, checkout_url=checkout.checkout_url
    )
    if not stored:
        payment.refresh_from_db()
        return payment
    payment.provider_order_id = checkout.provider_order_id
    payment.checkout_url = checkout.checkout_url
    return payment
