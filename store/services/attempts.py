"""The shopper's per-account attempt limits on the store's writes, shared by the pages
and the API. Each attempt is counted before the work it guards (accounts.ratelimit):
placing an order reserves codes, so a loop must not drain stock; guessing gift-card codes
costs attempts whatever the answer, so the count comes before the lookup."""

from accounts.ratelimit import RateLimit
from config.errors import TooManyAttempts

from ..models import GiftCard
from .giftcards import gift_card_redeem

ORDER_ATTEMPTS = RateLimit("store_order_account")
REDEEM_ATTEMPTS = RateLimit("giftcard_redeem_account")


class Throttled(TooManyAttempts):
    code = "too_many_attempts"


def order_attempt(*, user) -> None:
    """Count one order attempt; raises too_many_attempts (429) beyond the limit."""
    if not ORDER_ATTEMPTS.allows(str(user.pk)):
        raise Throttled(detail=ORDER_ATTEMPTS.message("order"))


def gift_card_redeem_attempt(*, user, code: str = "", card: GiftCard | None = None) -> GiftCard:
    if not REDEEM_ATTEMPTS.allows(str(user.pk)):
        raise Throttled(detail=REDEEM_ATTEMPTS.message("gift card"))
    return gift_card_redeem(user=user, code=code, card=card)
