"""Adding addresses nothing promotional is sent to, from a bounce or complaint feed (the
`suppress_email` command) as well as the admin. The send re-checks suppressions at each
email, so one added mid-send stops that address's copy."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from ..models import Suppression
from .newsletter_subscribe import normalise_email


def suppress(email, reason: str, *, note: str = "") -> bool:
    """Whether the address was added (False: it already was, its first reason stands)."""
    email = normalise_email(email)
    if reason not in Suppression.Reason.values:
        raise ValueError(f"Unknown reason {reason!r}.")
    if Suppression.objects.annotate(low=Lower("email")).filter(low=email).exists():
        return False
    try:
        with transaction.atomic():
            Suppression.objects.create(email=email, reason=reason, note=note[:200])
    except IntegrityError:  # added by someone else in between
        return False
    return True
