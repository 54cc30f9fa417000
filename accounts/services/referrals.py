from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Value, When

from config.fields import MoneyField

from ..models import Referral, User
from ..refusals import AccountRefused
from ..signals import referral_activated
from .transitions import transition_claimed

# Providers that deliver a.b.c@ to abc@; a "new" account there is the same mailbox.
_DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def _mailbox(email: str) -> str:
    """The mailbox an address really reaches: no +tag, and no dots where they are ignored."""
    local, _, domain = email.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def referral_resolve(*, code: str, email: str) -> User:
    """The referrer owning `code`, for a new account at `email`; refuses unknown codes
    and self-referral (the referrer's own mailbox under another alias)."""
    normalized = code.strip().upper()
    referrer = (
        User.objects.filter(referral_code=normalized, deleted_at__isnull=True)
        .exclude(status__in=[User.Status.SUSPENDED, User.Status.INACTIVE])
        .first()
    )
    if referrer is None:
        raise AccountRefused(
            "unknown_referral", "This referral code is not valid.", field="referral_code"
        )
    if _mailbox(referrer.email) == _mailbox(email):
        raise AccountRefused(
            "self_referral", "You can't use your own referral code.", field="referral_code"
        )
    return referrer


def referral_create(*, referrer: User, referred: User) -> Referral:
    if referrer.pk == referred.pk:
        raise AccountRefused(
            "self_referral", "You can't use your own referral code.", field="referral_code"
        )
    return Referral.objects.create(referrer=referrer, referred=referred)


def referrals_credit(*, earned: dict[int, Decimal], activated: list[int], now) -> None:
    """Record what referrals earned (the wallet paid it) and activate first-timers."""
    if activated:
        # Locked first: two confirmation workers may both see a referral's first money.
        pending = Referral.objects.select_for_update().filter(
            pk__in=activated, status=Referral.Status.PENDING
        )
        claimed = list(pending.order_by("pk").values_list("pk", flat=True))
        transition_claimed(
            Referral,
            claimed,
            was=Referral.Status.PENDING,
            to=Referral.Status.ACTIVE,
            reason="The friend's first cashback was confirmed.",
            updates={"activated_at": now},
        )
        if claimed:
            transaction.on_commit(lambda: referral_activated.send(Referral, referral_ids=claimed))
    if earned:
        increment = Case(
            *(When(pk=pk, then=Value(amount)) for pk, amount in earned.items()),
            default=Value(Decimal("0.00")),
            output_field=MoneyField(),
        )
        Referral.objects.filter(pk__in=earned).update(total_earned=F("total_earned") + increment)
