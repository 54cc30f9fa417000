"""Confirming (the POST from the page a confirmation link opens; a GET only reads) and
unsubscribing (the link in every issue, and the mail client's RFC 8058 one-click POST).
Both are idempotent: a second confirm or unsubscribe answers as the first did."""

from django.db import transaction
from django.utils import timezone

from ..models import ConsentRecord, Subscription
from .newsletter_subscribe import consent_record, new_nonce
from .newsletter_tokens import BadNewsletterToken, confirm_token_read, unsubscribe_token_read

Status = Subscription.Status


def _outdated() -> BadNewsletterToken:
    return BadNewsletterToken(
        "outdated_token", "This confirmation link is no longer valid. Please subscribe again."
    )


def confirm_read(token: str) -> Subscription:
    """The subscription a confirmation link is for, changing nothing (mail scanners GET
    links); BadNewsletterToken when it expired, was tampered with, or is outdated."""
    pk, nonce = confirm_token_read(token)
    subscription = Subscription.objects.select_related("newsletter").filter(pk=pk).first()
    if subscription is None or subscription.token_nonce != nonce:
        raise _outdated()
    if subscription.status == Status.UNSUBSCRIBED or not subscription.newsletter.is_active:
        raise _outdated()
    return subscription


@transaction.atomic
def confirm(token: str, *, ip=None, user_agent="") -> Subscription:
    pk, nonce = confirm_token_read(token)
    subscription = (
        Subscription.objects.select_for_update().select_related("newsletter").filter(pk=pk).first()
    )
    if subscription is None or subscription.token_nonce != nonce:
        raise _outdated()
    if subscription.status == Status.CONFIRMED:
        return subscription  # twice is harmless: the same success
    # A retired list takes nobody new: its confirmation links die with it.
    if subscription.status != Status.PENDING or not subscription.newsletter.is_active:
        raise _outdated()
    subscription.status = Status.CONFIRMED
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["status", "confirmed_at"])
    consent_record(
        subscription,
        ConsentRecord.Action.CONFIRM,
        source=ConsentRecord.Source.EMAIL_LINK,
        ip=ip,
        user_agent=user_agent,
    )
    return subscription


def unsubscribe_read(token: str) -> Subscription:
    pk = unsubscribe_token_read(token)
    subscription = Subscription.objects.select_related("newsletter").filter(pk=pk).first()
    if subscription is None:
        raise BadNewsletterToken(detail="This unsubscribe link is not valid.")
    return subscription


def unsubscribe_now(subscription: Subscription, *, source, ip=None, user_agent="") -> bool:
    """Unsubscribe a locked or fresh row; False when it was already off."""
    with transaction.atomic():
        row = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if row.status == Status.UNSUBSCRIBED:
            return False
        row.status = Status.UNSUBSCRIBED
        row.unsubscribed_at = timezone.now()
        # A confirmation link mailed before this must not sign the address up again.
        row.token_nonce = new_nonce()
        row.save(update_fields=["status", "unsubscribed_at", "token_nonce"])
        consent_record(
            row, ConsentRecord.Action.UNSUBSCRIBE, source=source, ip=ip, user_agent=user_agent
        )
        return True


def unsubscribe(token: str, *, source, ip=None, user_agent="") -> Subscription:
    subscription = unsubscribe_read(token)
    unsubscribe_now(subscription, source=source, ip=ip, user_agent=user_agent)
    return subscription
