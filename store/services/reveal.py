"""Revealing a delivered item's codes to its owner: the only way a code leaves the
database in clear.

Who may: the shopper who bought the item, once it is delivered; anyone else (another
shopper, a missing item, an undelivered one) meets the same "not found", so an id says
nothing about other people's orders. Each reveal is counted against
`store_reveal_account` before any lookup, audited (`store.code_reveal`, last fours only),
and counted on every code in one UPDATE: `reveal_count + 1`, `first_revealed_at` kept
from the first time (a refund voids only codes nobody has seen).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.ratelimit import RateLimit
from accounts.services import audit_log
from config.errors import NotFound, TooManyAttempts

from ..models import Code, GiftCard, OrderItem

REVEALS = RateLimit("store_reveal_account")


class ItemNotFound(NotFound):
    code = "not_found"


class RevealThrottled(TooManyAttempts):
    code = "too_many_attempts"

    def __init__(self, *, detail: str, retry_after: int):
        super().__init__(detail=detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Revealed:
    code: str
    pin: str
    expires_on: date | None
    value: Decimal

    def __repr__(self):  # a bearer secret: never in a traceback or a log line
        return f"Revealed(••••{self.code[-4:]})"


def item_reveal(*, user, item: OrderItem | None, request=None) -> list[Revealed]:
    """The item's sold codes (vouchers) or gift cards (SaveBucks cards), in clear, for
    its owner. Raises too_many_attempts (429) or not_found (404)."""
    if not REVEALS.allows(str(user.pk)):
        raise RevealThrottled(
            detail=REVEALS.message("reveal"), retry_after=REVEALS.wait_minutes() * 60
        )
    if item is None or item.order.user_id != user.pk or item.status != OrderItem.Status.DELIVERED:
        raise ItemNotFound(detail="No such delivered item in your orders.")
    now = timezone.now()
    counted = {
        "reveal_count": F("reveal_count") + 1,
        "first_revealed_at": Coalesce(F("first_revealed_at"), Value(now)),
    }
    with transaction.atomic():
        # Locked, in the refund's order (codes, then cards): a refund voiding them waits
        # for this reveal (and then keeps them), or this reveal waits for the refund and
        # re-reads them void (and shows nothing). Never both the code and the money.
        codes = list(
            Code.objects.select_for_update()
            .filter(order_item=item, status=Code.Status.SOLD)
            .order_by("pk")
        )
        cards = list(
            GiftCard.objects.select_for_update().filter(order_item=item).order_by("sequence")
        )
        if not codes and not cards:
            raise ItemNotFound(detail="No such delivered item in your orders.")
        if codes:
            Code.objects.filter(pk__in=[c.pk for c in codes]).update(**counted)
        if cards:
            GiftCard.objects.filter(pk__in=[c.pk for c in cards]).update(**counted)
        audit_log(
            actor=user,
            action="store.code_reveal",
            entity=item,
            metadata={
                "order": item.order.number,
                "last4": [secret.last4 for secret in (*codes, *cards)],
            },
            request=request,
        )
    return [
        Revealed(code=c.code, pin=c.pin, expires_on=c.expires_on, value=item.denomination)
        for c in codes
    ] + [
        Revealed(
            code=card.code,
            pin="",
            expires_on=timezone.localdate(card.expires_at),
            value=card.initial_value,
        )
        for card in cards
    ]
