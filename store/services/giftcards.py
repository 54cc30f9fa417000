"""SaveBucks gift cards: issued at fulfilment, redeemed once into a balance, disabled by
staff (never deleted)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import audit_log
from config.errors import Conflict, NotFound

from ..models import GiftCard, Order, OrderItem
from . import money as store_money
from .codes import code_digest, gift_card_code_new, last4
from .errors import StoreRefused


class UnknownCode(NotFound):
    code = "unknown_code"


class AlreadyRedeemed(Conflict):
    code = "already_redeemed"


def gift_cards_issue(item: OrderItem, order: Order) -> int:
    """Issue the item's cards that do not exist yet (a rerun issues none twice: one card
    per (item, sequence)). Runs under the fulfilment's lock on the order."""
    existing = set(GiftCard.objects.filter(order_item=item).values_list("sequence", flat=True))
    expires_at = timezone.now() + timedelta(days=item.product.validity_days)
    made = 0
    for sequence in range(item.quantity):
        if sequence in existing:
            continue
        for _ in range(3):  # a digest collision is astronomically rare; try a new code
            code = gift_card_code_new()
            try:
                with transaction.atomic():
                    GiftCard.objects.create(
                        code=code,
                        digest=code_digest(code),
                        last4=last4(code),
                        initial_value=item.denomination,
                        remaining_value=item.denomination,
                        currency=order.currency,
                        buyer_id=order.user_id,
                        order_item=item,
                        sequence=sequence,
                        recipient_email=item.recipient_email,
                        message=item.recipient_message,
                        expires_at=expires_at,
                    )
                made += 1
                break
            except IntegrityError:
                if GiftCard.objects.filter(order_item=item, sequence=sequence).exists():
                    break
    return made


def gift_card_redeem(*, user, code: str = "", card: GiftCard | None = None) -> GiftCard:
    """Move the card's value into `user`'s available balance, once. Found by its code
    (anyone holding it), or passed in (a card addressed to the user's verified email).
    Raises unknown_code (404), already_redeemed (409), expired (400), disabled (400)."""
    if card is None:
        digest = code_digest(code or "")
        card_id = GiftCard.objects.filter(digest=digest).values_list("pk", flat=True).first()
    else:
        card_id = card.pk
    if card_id is None:
        raise UnknownCode(detail="No gift card has that code.", field="code")
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card_id)
        if card.status == GiftCard.Status.REDEEMED:
            raise AlreadyRedeemed(detail="This gift card was already redeemed.", field="code")
        if card.status == GiftCard.Status.DISABLED:
            raise StoreRefused("disabled", "This gift card was disabled.", "code")
        if card.expires_at <= timezone.now():
            raise StoreRefused("expired", "This gift card has expired.", "code")
        if not user.is_active or not user.email_verified:
            raise StoreRefused(
                "email_unverified", "Verify your email address before redeeming.", "code"
            )
        store_money.gift_card_redeem_post(card=card, user=user)
        GiftCard.objects.filter(pk=card.pk).update(
            status=GiftCard.Status.REDEEMED,
            remaining_value=0,
            redeemed_by=user,
            redeemed_at=timezone.now(),
        )
        audit_log(
            actor=user,
            action="store.gift_card_redeem",
            entity=card,
            metadata={"last4": card.last4, "amount": str(card.remaining_value)},
        )
    return card


def gift_card_disable(*, card: GiftCard, actor, reason: str, request=None) -> bool:
    if not reason.strip():
        raise StoreRefused("reason_required", "Say why the card is disabled.", "reason")
    with transaction.atomic():
        moved = GiftCard.objects.filter(pk=card.pk, status=GiftCard.Status.ACTIVE).update(
            status=GiftCard.Status.DISABLED,
            disabled_at=timezone.now(),
            disabled_reason=reason[:300],
        )
        if moved:
            audit_log(
                actor=actor,
                action="store.gift_card_disable",
                entity=card,
                metadata={"last4": card.last4, "reason": reason},
                request=request,
            )
    return bool(moved)
