"""Giving money back: the shopper's cancel before delivery, and Finance's refund after.

Cancel (`order_cancel`): the shopper's own order, while it is pending or paid and not yet
delivered; `order_cancel_move` releases the hold, returns the codes and queues a refund of
a captured card payment. It takes the order's row lock first, as fulfilment does, so a
cancel racing a fulfilment is decided by whichever locks the row first: the money is
captured (delivered) or released (cancelled), never both.

Refund (`order_refund`): Finance, on a delivered order, never their own. Only what the
shopper cannot have used comes back: codes never revealed are voided and SaveBucks cards
never redeemed are disabled, and exactly their unit prices are refunded; a revealed code
or a redeemed card is the shopper's, and is not refundable. The money goes to the wallet
first (up to what the wallet paid, less earlier refunds), the rest to the card. The
cashback earned on the refunded part is taken back. Lock order: order → payment →
codes and cards → ledger accounts (ledger_post locks those last by itself).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Forbidden
from config.money import money

from ..models import Code, GiftCard, Order, OrderItem, Payment, Refund
from . import money as store_money
from .errors import OrderConflict, OrderNotFound, StoreRefused
from .order_release import order_cancel_move
from .refunds_gateway import gateway_refund_queue

Status = Order.Status
ZERO = Decimal("0.00")
CANCELLABLE = (Status.PENDING, Status.PAID)


class NothingToRefund(Conflict):
    code = "nothing_to_refund"


def _invalid(order: Order, doing: str) -> OrderConflict:
    return OrderConflict(detail=f"Order {order.number} is {order.status}: it cannot be {doing}.")


def order_cancel(*, order: Order, user) -> Order:
    """The shopper cancels their own undelivered order; it comes back cancelled.
    Raises not_found (404) for anyone else's order, invalid_status (409) once it was
    delivered, failed, cancelled or refunded (also when a fulfilment won the race)."""
    if user is None or order.user_id != user.pk:
        raise OrderNotFound(detail="No such order.")
    if order.status not in CANCELLABLE:
        raise _invalid(order, "cancelled")
    if not order_cancel_move(order, actor=user, reason="Cancelled by the shopper."):
        order.refresh_from_db()
        raise _invalid(order, "cancelled")
    order.refresh_from_db()
    return order


def _line_cashback(item: OrderItem) -> Decimal:
    # The same formula order_place used to earn it, so a whole line gives back exactly.
    return money(item.line_total * item.cashback_percent / 100)


def order_refund(*, order: Order, actor, reason: str, request=None) -> Refund:
    """Refund what is left to refund of a delivered order (see the module doc). Raises
    not_allowed (403) without store.refund_order, own_account (403), reason_required,
    invalid_status (409) unless delivered, nothing_to_refund (409)."""
    if actor is None or not actor.has_perm("store.refund_order"):
        raise Forbidden("not_allowed", "Only Finance may refund store orders.")
    refuse_own_account(actor=actor, owner_id=order.user_id, doing="refund an order")
    reason = (reason or "").strip()
    if not reason:
        raise StoreRefused("reason_required", "Say why the order is refunded.", "reason")
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Status.FULFILLED:
            raise _invalid(order, "refunded")
        payment = (
            Payment.objects.select_for_update()
            .filter(order=order, status__in=[Payment.Status.CAPTURED, Payment.Status.REFUNDED])
            .order_by("-pk")
            .first()
        )
        items = {item.pk: item for item in order.items.order_by("pk")}
        codes = list(
            Code.objects.select_for_update()
            .filter(order_item__order=order, status=Code.Status.SOLD)
            .order_by("pk")
        )
        cards = list(
            GiftCard.objects.select_for_update()
            .filter(order_item__order=order)
            .exclude(status=GiftCard.Status.DISABLED)
            .order_by("pk")
        )
        voided = [c for c in codes if c.first_revealed_at is None]
        disabled = [c for c in cards if c.status == GiftCard.Status.ACTIVE]
        kept = [c.last4 for c in codes if c.first_revealed_at is not None] + [
            c.last4 for c in cards if c.status == GiftCard.Status.REDEEMED
        ]
        units: dict[int, int] = {}
        for row in (*voided, *disabled):
            units[row.order_item_id] = units.get(row.order_item_id, 0) + 1
        amount = sum((items[pk].unit_price * n for pk, n in units.items()), ZERO)
        if not amount:
            raise NothingToRefund(
                detail=f"Nothing left to refund on {order.number}: revealed codes and "
                "redeemed gift cards are not refundable."
            )

        Code.objects.filter(pk__in=[c.pk for c in voided], status=Code.Status.SOLD).update(
            status=Code.Status.VOID, voided_at=now
        )
        GiftCard.objects.filter(
            pk__in=[c.pk for c in disabled], status=GiftCard.Status.ACTIVE
        ).update(
            status=GiftCard.Status.DISABLED,
            disabled_at=now,
            disabled_reason=f"Order refunded: {reason}"[:300],
        )

        wallet_refunded = (
            Refund.objects.filter(order=order).aggregate(s=Sum("wallet_amount"))["s"] or ZERO
        )
        wallet_part = min(amount, order.wallet_used - wallet_refunded)
        gateway_part = amount - wallet_part
        if gateway_part and payment is None:
            raise OrderConflict(detail=f"Order {order.number} has no captured card payment.")
        refund = gateway_refund_queue(
            order=order,
            payment=payment if gateway_part else None,
            amount=gateway_part,
            wallet_amount=wallet_part,
            reason=reason,
            actor=actor,
        )
        store_money.refund_post(
            order=order,
            refund_id=refund.pk,
            item_kind_amounts=[
                (items[pk].kind, items[pk].unit_price * n) for pk, n in units.items()
            ],
            wallet_amount=wallet_part,
            gateway_amount=gateway_part,
            actor=actor,
        )
        refunded = order.refunded_amount + amount
        everything = refunded == order.total
        cashback_back = _cashback_reverse(order, refund, items, units, everything, actor)

        Order.objects.filter(pk=order.pk).update(
            refunded_amount=refunded, cashback_amount=order.cashback_amount - cashback_back
        )
        order.refunded_amount = refunded
        order.cashback_amount -= cashback_back
        for pk in units:
            if not _item_has_units_left(pk):
                OrderItem.objects.filter(pk=pk).update(status=OrderItem.Status.REFUNDED)
        if everything:
            transition(
                order,
                to=Status.REFUNDED,
                allowed_from=[Status.FULFILLED],
                actor=actor,
                reason=reason,
            )
        audit_log(
            actor=actor,
            action="store.order_refund",
            entity=order,
            metadata={
                "number": order.number,
                "refund": refund.pk,
                "amount": str(amount),
                "wallet": str(wallet_part),
                "gateway": str(gateway_part),
                "cashback_reversed": str(cashback_back),
                "voided_codes": [c.last4 for c in voided],
                "disabled_cards": [c.last4 for c in disabled],
                "not_refundable": kept,
                "reason": reason,
            },
            request=request,
        )
    return refund


def _cashback_reverse(order, refund, items, units, everything: bool, actor) -> Decimal:
    """The cashback of the refunded units, proportional to their line's cashback; all
    that is left when the whole order is refunded (no cent stays behind by rounding)."""
    if order.cashback_status not in (Order.Cashback.PENDING, Order.Cashback.CONFIRMED):
        return ZERO
    if everything:
        share = order.cashback_amount
    else:
        share = sum(
            (money(_line_cashback(items[pk]) * n / items[pk].quantity) for pk, n in units.items()),
            ZERO,
        )
        share = min(share, order.cashback_amount)
    if share <= 0:
        return ZERO
    store_money.refund_cashback_reverse(
        order=order,
        refund_id=refund.pk,
        amount=share,
        confirmed=order.cashback_status == Order.Cashback.CONFIRMED,
        actor=actor,
    )
    if share == order.cashback_amount:
        transition(
            order,
            field="cashback_status",
            to=Order.Cashback.REVERSED,
            allowed_from=[Order.Cashback.PENDING, Order.Cashback.CONFIRMED],
            actor=actor,
            reason="Order refunded.",
        )
    return share


def _item_has_units_left(item_pk: int) -> bool:
    return (
        Code.objects.filter(order_item_id=item_pk).exclude(status=Code.Status.VOID).exists()
        or GiftCard.objects.filter(order_item_id=item_pk)
        .exclude(status=GiftCard.Status.DISABLED)
        .exists()
    )


def order_refund_preview(order: Order) -> dict:
    """What `order_refund` would do now (read without locks, for the confirmation page;
    the refund itself recomputes under its locks). Last four characters only."""
    codes = list(
        Code.objects.filter(order_item__order=order, status=Code.Status.SOLD).values_list(
            "order_item_id", "last4", "first_revealed_at"
        )
    )
    cards = list(
        GiftCard.objects.filter(order_item__order=order)
        .exclude(status=GiftCard.Status.DISABLED)
        .values_list("order_item_id", "last4", "status")
    )
    prices = dict(order.items.values_list("pk", "unit_price"))
    refundable = [(item, last4) for item, last4, revealed in codes if revealed is None] + [
        (item, last4) for item, last4, status in cards if status == GiftCard.Status.ACTIVE
    ]
    kept = [last4 for _, last4, revealed in codes if revealed is not None] + [
        last4 for _, last4, status in cards if status == GiftCard.Status.REDEEMED
    ]
    amount = sum((prices[item] for item, _ in refundable), ZERO)
    why = ""
    if order.status != Status.FULFILLED:
        why, amount, refundable = f"the order is {order.get_status_display().lower()}", ZERO, []
    elif not amount:
        why = "everything was revealed, redeemed or refunded"
    return {
        "order": order,
        "amount": amount,
        "refundable": bool(amount),
        "voidable": [last4 for _, last4 in refundable],
        "kept": kept,
        "why": why,
    }
