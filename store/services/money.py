"""Every movement of money the store makes, each one ledger posting with its own key.

Wallet part of an order: available → hold at placement (guarded: never below zero),
hold → sales at fulfilment (capture), hold → available on failure or cancel (release).
Gateway part: nothing moves until fulfilment, then gateway clearing → sales (the gateway
owes us until it settles). SaveBucks gift cards are sold into the gift-card liability
instead of sales, and leave it when redeemed. Cashback on a purchase: expense → pending,
pending → available after STORE_CASHBACK_HOLD_DAYS.
"""

from decimal import Decimal

from wallet.models import Account
from wallet.services.ledger import (
    Line,
    ledger_post,
    platform_account,
    transfer,
    user_account,
)

from ..models import Order, Product

Kind = Account.Kind
ZERO = Decimal("0.00")


def _key(order: Order, what: str) -> str:
    return f"store-order:{order.pk}:{what}"


def wallet_hold(order: Order, *, actor=None) -> None:
    """Raises wallet.services.ledger.InsufficientFunds (nothing moved) if the shopper's
    available balance is below the wallet part."""
    ledger_post(
        kind="store.hold",
        idempotency_key=_key(order, "hold"),
        lines=transfer(
            user_account(order.user_id, Kind.AVAILABLE, order.currency),
            user_account(order.user_id, Kind.HOLD, order.currency),
            order.wallet_used,
            guard=True,
        ),
        memo=f"Order {order.number}: wallet part held",
        reference=order.ledger_reference,
        actor=actor,
    )


def wallet_release(order: Order, *, why: str, actor=None) -> None:
    """Give the held wallet part back (failure, cancel, expiry). Once per order."""
    if order.wallet_used == 0:
        return
    ledger_post(
        kind="store.release",
        idempotency_key=_key(order, "release"),
        lines=transfer(
            user_account(order.user_id, Kind.HOLD, order.currency),
            user_account(order.user_id, Kind.AVAILABLE, order.currency),
            order.wallet_used,
        ),
        memo=f"Order {order.number} {why}: wallet part returned",
        reference=order.ledger_reference,
        actor=actor,
    )


def revenue_account(kind: str, currency: str):
    """Where the price of an item goes: sales, or the liability of our own gift cards."""
    target = Kind.GIFT_CARD_LIABILITY if kind == Product.Kind.SAVEBUCKS else Kind.STORE_SALES
    return platform_account(target, currency)


def capture(order: Order, items) -> None:
    """The order was delivered: the held wallet part and the gateway part become sales
    (and gift-card liability for our own cards). Once per order."""
    currency = order.currency
    lines = [
        *_source_lines(order),
        *(
            Line(revenue_account(item.kind, currency), item.line_total)
            for item in items
            if item.line_total
        ),
    ]
    ledger_post(
        kind="store.capture",
        idempotency_key=_key(order, "capture"),
        lines=lines,
        memo=f"Order {order.number} delivered",
        reference=order.ledger_reference,
    )


def _source_lines(order: Order) -> list[Line]:
    lines = []
    if order.wallet_used:
        lines.append(
            Line(user_account(order.user_id, Kind.HOLD, order.currency), -order.wallet_used)
        )
    if order.gateway_amount:
        lines.append(
            Line(platform_account(Kind.GATEWAY_CLEARING, order.currency), -order.gateway_amount)
        )
    return lines


def cashback_post(order: Order) -> None:
    if order.cashback_amount <= 0:
        return
    ledger_post(
        kind="store.cashback",
        idempotency_key=_key(order, "cashback"),
        lines=transfer(
            platform_account(Kind.CASHBACK_EXPENSE, order.currency),
            user_account(order.user_id, Kind.PENDING, order.currency),
            order.cashback_amount,
        ),
        memo=f"Cashback on order {order.number} (pending)",
        reference=order.ledger_reference,
    )


def cashback_confirm(order: Order) -> None:
    ledger_post(
        kind="store.cashback_confirm",
        idempotency_key=_key(order, "cashback-confirm"),
        lines=transfer(
            user_account(order.user_id, Kind.PENDING, order.currency),
            user_account(order.user_id, Kind.AVAILABLE, order.currency),
            order.cashback_amount,
        ),
        memo=f"Cashback on order {order.number} confirmed",
        reference=order.ledger_reference,
    )


def refund_post(
    *, order: Order, refund_id: int, item_kind_amounts, wallet_amount, gateway_amount, actor=None
) -> None:
    """Money back for delivered items: out of sales (or the gift-card liability), to the
    shopper's available balance (wallet part) and to the gateway (card part).
    `item_kind_amounts`: (product kind, amount) pairs summing to the two parts."""
    currency = order.currency
    lines = [
        Line(revenue_account(kind, currency), -amount)
        for kind, amount in item_kind_amounts
        if amount
    ]
    if wallet_amount:
        lines.append(Line(user_account(order.user_id, Kind.AVAILABLE, currency), wallet_amount))
    if gateway_amount:
        lines.append(Line(platform_account(Kind.GATEWAY_CLEARING, currency), gateway_amount))
    ledger_post(
        kind="store.refund",
        idempotency_key=f"store-refund:{refund_id}",
        lines=lines,
        memo=f"Refund of order {order.number}",
        reference=order.ledger_reference,
        actor=actor,
    )


def gift_card_redeem_post(*, card, user) -> None:
    ledger_post(
        kind="store.gift_card_redeem",
        idempotency_key=f"gift-card:{card.pk}:redeem",
        lines=transfer(
            platform_account(Kind.GIFT_CARD_LIABILITY, card.currency),
            user_account(user, Kind.AVAILABLE, card.currency),
            card.remaining_value,
        ),
        memo=f"SaveBucks gift card ••••{card.last4} redeemed",
        reference=f"gift-card:{card.pk}",
        actor=user,
    )


def refund_cashback_reverse(
    *, order: Order, refund_id: int, amount: Decimal, confirmed: bool, actor=None
) -> None:
    """Take back the cashback of the refunded part of an order (one posting per refund;
    a later refund of the same order reverses its own part under its own key). From
    pending while the hold lasts, else from available, which may go below zero."""
    source = Kind.AVAILABLE if confirmed else Kind.PENDING
    ledger_post(
        kind="store.cashback_reverse",
        idempotency_key=f"store-refund:{refund_id}:cashback",
        lines=transfer(
            user_account(order.user_id, source, order.currency),
            platform_account(Kind.CASHBACK_EXPENSE, order.currency),
            amount,
        ),
        memo=f"Cashback on order {order.number} reversed (refund #{refund_id})",
        reference=order.ledger_reference,
        actor=actor,
    )
