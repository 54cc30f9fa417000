"""Asking to join a list. The answer is the same whatever the address's state (new,
pending, confirmed, unsubscribed): the form, the page after it and the API reveal
nothing about who is subscribed. Only the mail differs:

- new or unsubscribed: pending with a fresh nonce, a consent record, a confirmation email;
- pending: the confirmation email again, at most `newsletter_confirm_email` times a day
  per address (each of them counts, the first included), so the form cannot be used to
  mail-bomb a stranger; no new consent record (the first request's stands);
- confirmed: nothing is mailed (an "already subscribed" note would be mail to a stranger
  on anyone's request).

A suppressed address (bounced, complained) gets no email at all.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.emails import email_queue
from accounts.ratelimit import RateLimit
from config.errors import Refusal

from ..models import ConsentRecord, NewsletterList, Subscription, Suppression
from .newsletter_tokens import confirm_url

Status = Subscription.Status
Source = ConsentRecord.Source
CONFIRM_EMAIL = RateLimit("newsletter_confirm_email")


class InvalidEmail(Refusal):
    code = "invalid_email"


class UnknownList(Refusal):
    code = "unknown_list"


def normalise_email(email) -> str:
    value = str(email or "").strip().lower()
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError as exc:
        raise InvalidEmail(detail="Enter a valid email address.", field="email") from exc
    return value


def public_list(slug) -> NewsletterList:
    newsletter = NewsletterList.objects.filter(
        slug=str(slug or ""), is_public=True, is_active=True
    ).first()
    if newsletter is None:
        raise UnknownList(detail="There is no such newsletter.", field="list")
    return newsletter


def is_suppressed(email: str) -> bool:
    return Suppression.objects.annotate(low=Lower("email")).filter(low=email.lower()).exists()


def new_nonce() -> str:
    return secrets.token_hex(16)


def consent_record(subscription, action, *, source, ip=None, user_agent="") -> ConsentRecord:
    return ConsentRecord.objects.create(
        subscription=subscription,
        action=action,
        source=source,
        consent_text_version=settings.NEWSLETTER_CONSENT_VERSION,
        ip=ip or None,
        user_agent=(user_agent or "")[:300],
    )


def _locked_row(newsletter, email) -> tuple[Subscription, bool]:
    """The (newsletter, email) row, locked, and whether this call created it. Two requests
    at once: the unique constraint lets one create it, the other finds it."""
    mine = Subscription.objects.select_for_update().filter(newsletter=newsletter, email=email)
    row = mine.first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            row = Subscription.objects.create(
                newsletter=newsletter,
                email=email,
                status=Status.PENDING,
                token_nonce=new_nonce(),
                requested_at=timezone.now(),
            )
        return row, True
    except IntegrityError:
        return mine.get(), False


def _mail_confirmation(subscription: Subscription) -> None:
    if is_suppressed(subscription.email):
        return
    if not CONFIRM_EMAIL.allows(subscription.email):
        return  # silently: the answer must not change
    email_queue(
        to=subscription.email,
        template="newsletter_confirm",
        context={
            "newsletter": subscription.newsletter,
            "confirm_url": confirm_url(subscription),
            "days": settings.NEWSLETTER_CONFIRM_MAX_AGE_DAYS,
        },
    )


def _confirmed_at_once(user, email: str, source: str) -> bool:
    # The preferences page, signed in, with the account's own verified address: the
    # account's owner already proved they read it.
    return (
        source == Source.PREFERENCES
        and user is not None
        and user.is_authenticated
        and user.email_verified
        and user.email.strip().lower() == email
    )


@transaction.atomic
def subscribe(email, list_slug, *, source, ip=None, user_agent="", user=None) -> Subscription:
    email = normalise_email(email)
    newsletter = public_list(list_slug)
    subscription, created = _locked_row(newsletter, email)
    now = timezone.now()
    if (
        user is not None
        and user.is_authenticated
        and subscription.user_id is None
        and user.email.strip().lower() == email
    ):
        # Their own address, signed in: the row is theirs (the preferences page finds it).
        subscription.user = user
        subscription.save(update_fields=["user"])
    if subscription.status == Status.CONFIRMED:
        return subscription
    if subscription.status == Status.PENDING and not created:
        if _confirmed_at_once(user, email, source):
            consent_record(
                subscription,
                ConsentRecord.Action.SUBSCRIBE,
                source=source,
                ip=ip,
                user_agent=user_agent,
            )
            return _confirm_now(subscription, source, ip, user_agent, now)
        _mail_confirmation(subscription)
        return subscription
    if not created:  # unsubscribed: a new request, a new nonce
        subscription.status = Status.PENDING
        subscription.token_nonce = new_nonce()
        subscription.requested_at = now
        subscription.confirmed_at = None
        subscription.save()
    consent_record(
        subscription, ConsentRecord.Action.SUBSCRIBE, source=source, ip=ip, user_agent=user_agent
    )
    if _confirmed_at_once(user, email, source):
        return _confirm_now(subscription, source, ip, user_agent, now)
    _mail_confirmation(subscription)
    return subscription


def _confirm_now(subscription, source, ip, user_agent, now) -> Subscription:
    subscription.status = Status.CONFIRMED
    subscription.confirmed_at = now
    subscription.save(update_fields=["status", "confirmed_at"])
    consent_record(
        subscription, ConsentRecord.Action.CONFIRM, source=source, ip=ip, user_agent=user_agent
    )
    return subscription
