"""What accounts and partners tell a user, through notify(): a referral that became
active, a login from a browser not seen before on the account, changed payout details.
Security notices are locked on in the app and by email (preferences.LOCKED)."""

import hashlib
import re

from django.urls import reverse
from django.utils import timezone

from accounts.models import Referral
from config.fast_insert import insert_instance
from config.request_meta import describe_user_agent, user_agent

from .models import Category, KnownDevice
from .services import notify


def referrals_activated(referral_ids: list[int]) -> None:
    for referral in Referral.objects.filter(pk__in=referral_ids).select_related(
        "referrer", "referred"
    ):
        notify(
            user=referral.referrer,
            category=Category.REFERRALS,
            title="A friend you referred is now active",
            body="Their first cashback was confirmed: your referral bonus is on its way.",
            url=reverse("accounts:referrals"),
            key=f"referral-activated:{referral.pk}",
        )


def _device(request) -> tuple[str, str]:
    """(label shown, fingerprint): browser family, OS and device class, without the
    browser's version, so an update of the same browser is not a new device."""
    described = describe_user_agent(user_agent(request))
    browser = re.sub(r"\s+\d+$", "", described["browser"])
    label = f"{browser} on {described['os']}"
    seen_as = f"{browser}|{described['os']}|{described['kind']}"
    return label, hashlib.sha256(seen_as.encode()).hexdigest()


def login_seen(request, user) -> None:
    """Remember the browser of this login; tell the user when it is new to the account.
    The first login the account ever makes (the one right after sign-up) only records."""
    label, fingerprint = _device(request)
    first_ever = not KnownDevice.objects.filter(user=user).exists()
    if not insert_instance(
        KnownDevice(user=user, fingerprint=fingerprint), unless_conflict_on=("user", "fingerprint")
    ):
        return  # seen before (or recorded by a concurrent login of the same browser)
    if first_ever:
        return
    when = timezone.localtime().strftime("%d %b %Y %H:%M %Z")
    notify(
        user=user,
        category=Category.SECURITY,
        title=f"New login: {label}",
        body=f"Your account was logged in from {label} on {when}. If this was not you, "
        "change your password and log the other sessions out.",
        url=reverse("accounts:sessions"),
        key=f"new-device:{fingerprint}",
    )


def payout_details_changed(user, where: str) -> None:
    """In the caller's transaction: the notice exists exactly when the change does."""
    now = timezone.now()
    notify(
        user=user,
        category=Category.SECURITY,
        title="Your payout details changed",
        body=f"The payout details for your {where} were changed. If this was not you, "
        "change your password and contact support before any payout is made.",
        url=reverse("accounts:sessions"),
        key=f"payout-details:{where}:{now.isoformat()}",
        email_template="payout_details_changed",
        context={"where": where},
    )
