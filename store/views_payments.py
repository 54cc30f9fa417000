"""The pages between our checkout and the providers' pages.

- `fake`: the local pay page for `make run` (only with DEBUG and `fake` enabled): Pay
  and Fail buttons that do what a provider's webhook would, recorded as an event so a
  double click captures once.
- Razorpay: our page whose form posts to Razorpay's hosted checkout, and the callback
  Razorpay posts back to. The callback proves itself by its signature (it arrives
  cross-site, without the shopper's session cookie), then asks Razorpay about that one
  payment, so the shopper does not wait for the webhook.
- Stripe: the success URL; it asks Stripe about that one payment for the same reason.

Payments are found by their owner: anybody else's payment is a 404.
"""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .gateways import GatewayError, WebhookEvent, gateway_for_webhook
from .models import Order, Payment
from .services.reconcile import payment_reconcile
from .services.webhooks import payment_event_apply

log = logging.getLogger(__name__)
OPEN = (Payment.Status.CREATED, Payment.Status.FAILED)


def _gateway(name: str):
    gateway = gateway_for_webhook(name)
    if gateway is None:
        raise Http404("No such payment provider.")
    return gateway


def _owned(request, **lookup) -> Payment:
    payment = (
        Payment.objects.select_related("order")
        .filter(order__user=request.user, **lookup)
        .exclude(provider_order_id="")
        .first()
    )
    if payment is None:
        raise Http404("No such payment.")
    return payment


def _still_open(payment: Payment) -> bool:
    return payment.status in OPEN and payment.order.status == Order.Status.PENDING


def _settle(payment: Payment) -> None:
    """Ask the provider now; if it cannot be reached, the webhook or the nightly job
    settles the payment instead."""
    try:
        payment_reconcile(payment, settle_failures=False)
    except GatewayError as exc:
        log.warning("payment %s: %s", payment.pk, exc)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def fake_pay(request, ref):
    _gateway("fake")  # 404 unless DEBUG is on and `fake` is enabled
    payment = _owned(request, provider="fake", provider_order_id=ref)
    order = payment.order
    if request.method == "GET":
        return render(
            request,
            "store/pay/fake.html",
            {"order": order, "payment": payment, "open": _still_open(payment)},
        )
    action = request.POST.get("action")
    # A closed order's page has no buttons; a stale form posted anyway changes nothing.
    if action in ("pay", "fail") and _still_open(payment):
        payment_event_apply(
            provider="fake",
            event=WebhookEvent(
                # One id per button and payment: a double click is a duplicate.
                event_id=f"fake-{payment.pk}-{action}",
                event_type=f"fake.{action}",
                provider_order_id=payment.provider_order_id,
                outcome="captured" if action == "pay" else "failed",
                amount=payment.amount,
                currency=payment.currency,
                provider_payment_id=f"fakepay_{payment.pk}",
            ),
        )
    return redirect(order.get_absolute_url())


@never_cache
@login_required
@require_GET
def razorpay_pay(request, payment_id: int):
    gateway = _gateway("razorpay")
    payment = _owned(request, pk=payment_id, provider="razorpay")
    if not _still_open(payment):
        return redirect(payment.order.get_absolute_url())
    action, fields = gateway.hosted_checkout(payment)
    return render(
        request,
        "store/pay/razorpay.html",
        {"order": payment.order, "payment": payment, "action": action, "fields": fields},
    )


@csrf_exempt  # Razorpay posts here from its own page; the signature is the authority
@never_cache
@require_POST
def razorpay_callback(request, payment_id: int):
    gateway = _gateway("razorpay")
    payment = (
        Payment.objects.select_related("order")
        .filter(pk=payment_id, provider="razorpay")
        .exclude(provider_order_id="")
        .first()
    )
    if payment is None:
        raise Http404("No such payment.")
    order_id = request.POST.get("razorpay_order_id", "")
    pay_id = request.POST.get("razorpay_payment_id", "")
    signature = request.POST.get("razorpay_signature", "")
    if not (order_id or pay_id or signature):
        # A failed or abandoned attempt (Razorpay posts error[…] fields): the shopper may
        # try again from the order page; the webhook records the failure.
        return redirect(payment.order.get_absolute_url())
    if order_id != payment.provider_order_id or not gateway.callback_verified(
        order_id=order_id, payment_id=pay_id, signature=signature
    ):
        return render(request, "store/pay/unverified.html", status=400)
    if payment.status in OPEN:
        _settle(payment)
    return redirect(payment.order.get_absolute_url())


@never_cache
@login_required
@require_GET
def stripe_return(request, payment_id: int):
    _gateway("stripe")
    payment = _owned(request, pk=payment_id, provider="stripe")
    if payment.status in OPEN:
        _settle(payment)
    return redirect(payment.order.get_absolute_url())
