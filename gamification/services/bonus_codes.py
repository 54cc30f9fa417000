"""Bonus codes: create (ops and the admin) and redeem (shoppers).

A code's limit holds under concurrent redemptions because the use is taken by one
conditional UPDATE (`uses_count + 1 WHERE uses_count < max_uses OR max_uses = 0`) in the
transaction that inserts the redemption and posts the money: a redemption that finds no
use left rolls back whole. Once per shopper is the unique (code, user).
"""

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.ratelimit import RateLimit
from accounts.services import audit_log
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, NotFound, Refusal, TooManyAttempts
from config.money import parse_amount

from ..models import BonusCode, BonusCodeRedemption
from .bonus_money import BONUS_CODE, BonusPayment, pay_bonus
from .eligibility import refuse_unless_eligible

REDEEM_ATTEMPTS = RateLimit("bonus_code_account")
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


class UnknownCode(NotFound):
    code = "unknown_code"


class CodeExpired(Refusal):
    code = "code_expired"


class CodeExhausted(Conflict):
    code = "code_exhausted"


class AlreadyRedeemed(Conflict):
    code = "already_redeemed"


class RedeemThrottled(TooManyAttempts):
    code = "too_many_attempts"


def normalise_code(raw) -> str:
    return str(raw or "").strip().upper()


def bonus_code_create(
    *,
    code: str,
    amount,
    max_uses: int = 0,
    expires_at: datetime | None = None,
    description: str = "",
    actor=None,
) -> BonusCode:
    """A new code; refuses a malformed or taken code, a non-positive amount, a past expiry."""
    code = normalise_code(code)
    if not CODE_PATTERN.match(code):
        raise Refusal(
            "invalid_code", "A code is 3 to 40 letters, digits, '-' or '_'.", field="code"
        )
    amount = parse_amount(amount, allow_zero=False, field="amount")
    if max_uses < 0:
        raise Refusal("invalid_max_uses", "Maximum uses is 0 (unlimited) or more.", "max_uses")
    if expires_at is not None and expires_at <= timezone.now():
        raise Refusal("expiry_in_past", "The expiry date must be in the future.", "expires_at")
    try:
        with transaction.atomic():
            bonus = BonusCode.objects.create(
                code=code,
                amount=amount,
                max_uses=max_uses,
                expires_at=expires_at,
                description=description[:255],
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Refusal("code_taken", f"The code {code} already exists.", "code") from exc
    audit_log(  # actor None: created by `manage.py create_bonus_code`
        actor=actor,
        action="gamification.bonus_code_create",
        entity=bonus,
        metadata={"code": code, "amount": str(amount), "max_uses": max_uses},
    )
    return bonus


def bonus_code_redeem(*, user, code: str, now=None) -> BonusCodeRedemption:
    """Credit `code`'s amount to `user` once; never beyond the code's maximum uses."""
    refuse_unless_eligible(user)
    # Counted before the lookup, so guessing codes costs attempts whatever the answer.
    if not REDEEM_ATTEMPTS.allows(str(user.pk)):
        raise RedeemThrottled(detail=REDEEM_ATTEMPTS.message("code"))
    code = normalise_code(code)
    bonus = None
    if CODE_PATTERN.match(code):
        bonus = BonusCode.objects.filter(code=code, is_active=True).first()
    if bonus is None:
        raise UnknownCode(detail="There is no such code.", field="code")
    # A code pays from the platform's bonus expense: its creator (Finance) would be
    # paying themselves.
    refuse_own_account(actor=user, owner_id=bonus.created_by_id, doing="redeem a code you created")
    if bonus.expires_at is not None and bonus.expires_at <= (now or timezone.now()):
        raise CodeExpired(detail="This code has expired.", field="code")
    # Whoever typed the amount does not collect it: staff would pay themselves any sum.
    refuse_own_account(actor=bonus.created_by, owner_id=user.pk, doing="redeem a code you created")
    if BonusCodeRedemption.objects.filter(code=bonus, user=user).exists():
        raise AlreadyRedeemed(detail="You have already used this code.", field="code")
    try:
        with transaction.atomic():
            redemption = BonusCodeRedemption.objects.create(
                code=bonus, user=user, amount=bonus.amount
            )
            taken = (
                BonusCode.objects.filter(pk=bonus.pk, is_active=True)
                .filter(Q(max_uses=0) | Q(uses_count__lt=F("max_uses")))
                .update(uses_count=F("uses_count") + 1)
            )
            if not taken:
                raise CodeExhausted(detail="This code has been used up.", field="code")
            pay_bonus(
                BonusPayment(
                    user.pk,
                    bonus.amount,
                    BONUS_CODE,
                    f"bonus-code:{bonus.pk}:{user.pk}",
                    f"Bonus code {bonus.code}",
                    f"bonus_code:{bonus.pk}",
                )
            )
    except IntegrityError as exc:
        # The same shopper's other request inserted the redemption first.
        raise AlreadyRedeemed(detail="You have already used this code.", field="code") from exc
    return redemption
