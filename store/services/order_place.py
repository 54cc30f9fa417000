"""Placing an order: the one way an order comes to be, for the pages and the API.

In one transaction, under a lock on the shopper's row (which serialises one shopper's
orders, so the fraud limits and the idempotency key cannot be raced): the order and its
items are written, pool codes are reserved (SKIP LOCKED), and the wallet part is held.
Any refusal rolls all of it back: an order refused `out_of_stock` holds no money and no
codes. A wallet-only order is paid at once and fulfilled after commit; a gateway order
gets its checkout after commit (no network I/O inside a transaction).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import User, UserKyc
from accounts.services import transition
from config.money import money
from wallet.models import Account
from wallet.services.ledger import IdempotencyConflict, InsufficientFunds

from ..models import Order, OrderItem, Payment, Product, Variant
from . import money as store_money
from .errors import EmailUnverified, OutOfStock, StoreRefused
from .inventory import codes_reserve
from .numbers import order_number
from .stock_alerts import low_stock_check_on_commit

MAX_LINES = 10
Status = Order.Status
# Orders that count towards the daily limits: everything but what never took money.
COUNTED = [Status.PENDING, Status.PAID, Status.FULFILLED, Status.REFUNDED]


@dataclass(frozen=True)
class ItemRequest:
    variant: int
    quantity: int
    amount: Decimal | None = None  # the value chosen, for a range variant
    recipient_email: str = ""
    message: str = ""


def _digest(items: list[ItemRequest], payment: str, gateway: str) -> str:
    body = {
        "items": [
            [i.variant, i.quantity, str(i.amount or ""), i.recipient_email.lower(), i.message]
            for i in items
        ],
        "payment": payment,
        "gateway": gateway,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check_shape(items, payment: str, gateway: str, idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 80 or not idempotency_key.isprintable():
        raise StoreRefused(
            "invalid", "idempotency_key: 1 to 80 printable characters.", "idempotency_key"
        )
    if not items:
        raise StoreRefused("invalid", "Add at least one gift card.", "items")
    if len(items) > MAX_LINES:
        raise StoreRefused("invalid", f"At most {MAX_LINES} lines per order.", "items")
    for item in items:
        if not 1 <= item.quantity <= settings.STORE_MAX_ITEM_QUANTITY:
            raise StoreRefused(
                "invalid",
                f"Quantity must be 1 to {settings.STORE_MAX_ITEM_QUANTITY}.",
                "quantity",
            )
    if payment not in Order.Payment.values:
        raise StoreRefused("invalid", "payment: wallet, gateway or mixed.", "payment")
    if payment != Order.Payment.WALLET:
        from ..gateways import gateway_get

        gateway_get(gateway)  # refuses an unknown or disabled gateway


def _priced(items: list[ItemRequest]) -> list[tuple[ItemRequest, Variant, Decimal, Decimal]]:
    """(request, variant, denomination, unit price) per line; refuses unknown variants
    and values outside a range."""
    variants = {
        v.pk: v
        for v in Variant.objects.select_related("product").filter(
            pk__in=[i.variant for i in items],
            is_available=True,
            product__is_active=True,
            product__deleted_at__isnull=True,
        )
    }
    priced = []
    for item in items:
        variant = variants.get(item.variant)
        if variant is None:
            raise StoreRefused("unknown_variant", "That gift card is not on sale.", "variant")
        if variant.product.currency != settings.PLATFORM_CURRENCY:
            raise StoreRefused("unknown_variant", "That gift card is not on sale.", "variant")
        if variant.is_fixed:
            denomination, price = variant.denomination, variant.selling_price
        else:
            if item.amount is None:
                raise StoreRefused("invalid", "Choose the card's value.", "amount")
            amount = money(item.amount)
            if not variant.min_value <= amount <= variant.max_value:
                raise StoreRefused(
                    "invalid",
                    f"Choose a value from {variant.min_value} to {variant.max_value}.",
                    "amount",
                )
            denomination = amount
            price = money(amount * variant.price_percent / 100)
        if variant.product.kind == Product.Kind.SAVEBUCKS:
            price = denomination  # our own cards sell at face value: liability == price
        elif item.recipient_email or item.message:
            raise StoreRefused(
                "invalid", "Only SaveBucks gift cards can be sent to someone.", "recipient_email"
            )
        priced.append((item, variant, denomination, price))
    return priced


def _check_limits(user: User, total: Decimal) -> None:
    limit = settings.STORE_MAX_ORDER_AMOUNT
    if total > limit:
        raise StoreRefused(
            "limit_exceeded", f"An order can be at most {settings.PLATFORM_CURRENCY} {limit}."
        )
    now = timezone.now()
    if user.date_joined > now - timedelta(days=settings.STORE_NEW_ACCOUNT_DAYS):
        # The cap covers the first days together, not each order (the rows are read
        # under the caller's lock on the shopper, so two orders cannot both fit).
        cap = settings.STORE_NEW_ACCOUNT_MAX_AMOUNT
        before = Order.objects.filter(
            user=user, status__in=COUNTED, created_at__gte=user.date_joined
        ).aggregate(spent=Sum("total"))["spent"] or Decimal("0.00")
        if before + total > cap:
            raise StoreRefused(
                "limit_exceeded",
                f"New accounts can order at most {settings.PLATFORM_CURRENCY} {cap} "
                f"in their first {settings.STORE_NEW_ACCOUNT_DAYS} days.",
            )
    day = Order.objects.filter(
        user=user, status__in=COUNTED, created_at__gte=now - timedelta(days=1)
    ).aggregate(n=Count("pk"), spent=Sum("total"))
    if day["n"] >= settings.STORE_DAILY_ORDER_COUNT:
        raise StoreRefused(
            "limit_exceeded",
            f"At most {settings.STORE_DAILY_ORDER_COUNT} orders in 24 hours; try again later.",
        )
    if (day["spent"] or 0) + total > settings.STORE_DAILY_ORDER_AMOUNT:
        raise StoreRefused(
            "limit_exceeded",
            f"At most {settings.PLATFORM_CURRENCY} {settings.STORE_DAILY_ORDER_AMOUNT} "
            "of gift cards in 24 hours.",
        )
    if total > settings.WITHDRAWAL_KYC_THRESHOLD:
        kyc = UserKyc.objects.filter(user=user).first()
        if not (kyc and kyc.is_verified):
            raise StoreRefused(
                "kyc_required",
                f"Orders above {settings.PLATFORM_CURRENCY} {settings.WITHDRAWAL_KYC_THRESHOLD}"
                " need verified identity details (KYC) first.",
            )


def _leave_the_gateway_its_minimum(
    payment: str, gateway: str, subtotal: Decimal, wallet_used: Decimal
) -> Decimal:
    """The wallet's part, lowered where the card's part would be below what the provider
    charges at all (Stripe: USD 0.50, Razorpay: 100 subunits), which it would refuse:
    a balance of 9.80 on a 10.00 mixed order holds 9.50 and charges 0.50. A card part
    that cannot reach the minimum is refused (below_minimum), with nothing written."""
    due = subtotal - wallet_used
    if payment == Order.Payment.WALLET or not due:
        return wallet_used
    from ..gateways import gateway_get

    floor = gateway_get(gateway).minimum_charge(settings.PLATFORM_CURRENCY)
    if due >= floor:
        return wallet_used
    if payment == Order.Payment.MIXED and subtotal >= floor:
        return subtotal - floor
    raise StoreRefused(
        "below_minimum",
        f"Card payments start at {settings.PLATFORM_CURRENCY} {floor}; "
        "pay this order from your balance.",
        "payment",
    )


def _available(user: User) -> Decimal:
    return Account.objects.filter(
        owner=user, kind=Account.Kind.AVAILABLE, currency=settings.PLATFORM_CURRENCY
    ).values_list("balance", flat=True).first() or Decimal("0.00")


def _replay(user: User, idempotency_key: str, digest: str) -> Order | None:
    order = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if order is not None and order.request_digest != digest:
        raise IdempotencyConflict(
            "idempotency_conflict",
            "This idempotency_key was used for another order.",
            "idempotency_key",
        )
    return order


def order_place(
    *,
    user: User,
    items: list[ItemRequest],
    payment: str,
    gateway: str = "",
    idempotency_key: str,
) -> tuple[Order, bool]:
    """The order for this key (created: True), or the one placed before under the same
    key with the same request (created: False). Raises a StoreRefused subclass, with
    nothing written, for every refusal: out_of_stock, insufficient_funds, limit_exceeded,
    email_unverified, kyc_required, unknown_variant, invalid, idempotency_conflict."""
    gateway = gateway if payment != Order.Payment.WALLET else ""
    if not user.is_active:
        raise StoreRefused("account_inactive", "This account is not active.")
    if not user.email_verified:
        raise EmailUnverified(detail="Verify your email address before buying gift cards.")
    _check_shape(items, payment, gateway, idempotency_key)
    digest = _digest(items, payment, gateway)
    existing = _replay(user, idempotency_key, digest)
    if existing is not None:
        return _resumed(existing), False
    priced = _priced(items)
    subtotal = sum((price * item.quantity for item, _, _, price in priced), Decimal("0.00"))
    with transaction.atomic():
        # One shopper's orders one at a time: limits and keys see each other's orders.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        existing = _replay(user, idempotency_key, digest)
        if existing is not None:  # placed concurrently: that request starts its checkout
            return existing, False
        _check_limits(user, subtotal)
        if payment == Order.Payment.WALLET:
            wallet_used = subtotal
        elif payment == Order.Payment.GATEWAY:
            wallet_used = Decimal("0.00")
        else:
            wallet_used = min(max(_available(user), Decimal("0.00")), subtotal)
        wallet_used = _leave_the_gateway_its_minimum(payment, gateway, subtotal, wallet_used)
        now = timezone.now()
        order = Order.objects.create(
            user=user,
            payment_method=payment,
            gateway=gateway if subtotal > wallet_used else "",
            currency=settings.PLATFORM_CURRENCY,
            subtotal=subtotal,
            total=subtotal,
            wallet_used=wallet_used,
            gateway_amount=subtotal - wallet_used,
            idempotency_key=idempotency_key,
            request_digest=digest,
            reserved_until=now + timedelta(minutes=settings.STORE_RESERVATION_MINUTES),
        )
        order.number = order_number(order.pk)
        order.save(update_fields=["number"])
        cashback = Decimal("0.00")
        for item, variant, denomination, price in priced:
            product = variant.product
            # Our own cards earn nothing: their value comes back into the balance when
            # redeemed, so cashback on them would mint money on every buy-and-redeem loop.
            earns = product.cashback_percent if product.kind == Product.Kind.VOUCHER else 0
            line = OrderItem.objects.create(
                order=order,
                product=product,
                variant=variant,
                name=f"{product.name} {product.currency} {denomination}",
                sku=product.sku,
                kind=product.kind,
                denomination=denomination,
                unit_price=price,
                quantity=item.quantity,
                line_total=price * item.quantity,
                cashback_percent=earns,
                recipient_email=item.recipient_email,
                recipient_message=item.message,
            )
            cashback += money(line.line_total * earns / 100)
            if product.source == Product.Source.POOL:
                got = codes_reserve(item=line, quantity=item.quantity, until=order.reserved_until)
                if got < item.quantity:
                    raise OutOfStock(
                        detail=f"{line.name}: only {got} left."
                        if got
                        else f"{line.name} is sold out.",
                        field="items",
                    )
        low_stock_check_on_commit(variant.pk for _, variant, _, _ in priced)
        if cashback:
            Order.objects.filter(pk=order.pk).update(cashback_amount=cashback)
            order.cashback_amount = cashback
        if wallet_used:
            try:
                store_money.wallet_hold(order, actor=user)
            except InsufficientFunds as exc:
                raise StoreRefused(
                    "insufficient_funds",
                    f"Your available balance is {settings.PLATFORM_CURRENCY} "
                    f"{max(_available(user), Decimal('0.00'))}; this order needs {wallet_used}.",
                    "payment",
                ) from exc
        if order.gateway_amount:
            Payment.objects.create(
                order=order,
                provider=gateway,
                amount=order.gateway_amount,
                currency=order.currency,
            )
        else:
            order_mark_paid(order)
    if order.gateway_amount:
        from .checkout import checkout_start

        checkout_start(order)
    return order, True


def _resumed(order: Order) -> Order:
    """A replayed gateway order whose first request died between its commit and the
    checkout gets its checkout now: otherwise the shopper could not pay it at all."""
    if (
        order.status == Status.PENDING
        and order.gateway_amount
        and not order.payments.exclude(provider_order_id="").exists()
    ):
        from .checkout import checkout_start

        checkout_start(order)
    return order


def order_mark_paid(order: Order, *, actor=None) -> bool:
    """pending → paid, then fulfilment after commit (a task; the beat job retries)."""
    from .. import tasks

    pk = order.pk
    return transition(
        order,
        to=Status.PAID,
        allowed_from=[Status.PENDING],
        actor=actor,
        updates={"paid_at": timezone.now()},
        on_commit=lambda: tasks.fulfil_order.delay(pk),
    )
