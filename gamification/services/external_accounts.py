"""A shopper's id on the races' partner platform: submitted by the shopper, verified by
staff (Support agents hold `verify_externalaccount`) against the shopper's proof."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import audit_log
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Refusal

from ..models import ExternalAccount

PROVIDER = ExternalAccount.Provider.PARTNER


class UidTaken(Conflict):
    code = "uid_taken"


class AlreadyVerified(Conflict):
    code = "already_verified"


def external_account_submit(*, user, uid: str) -> ExternalAccount:
    """Link (or, while unverified, change) the shopper's uid. A verified link is changed
    only by staff: otherwise a shopper could move their place to someone else's uid."""
    uid = (uid or "").strip()
    if not uid or len(uid) > 100 or not uid.isprintable() or " " in uid:
        raise Refusal(
            "invalid_uid", "Enter your user id on the partner platform, without spaces.", "uid"
        )
    account = ExternalAccount.objects.filter(user=user, provider=PROVIDER).first()
    if account is not None and account.verified:
        raise AlreadyVerified(detail="Your account is verified; ask support to change it.")
    try:
        with transaction.atomic():
            if account is None:
                return ExternalAccount.objects.create(user=user, provider=PROVIDER, uid=uid)
            account.uid = uid
            account.save(update_fields=["uid"])
            return account
    except IntegrityError:
        raise UidTaken(
            detail="That id is already linked to another shopper.", field="uid"
        ) from None


def external_account_verify(*, account: ExternalAccount, actor, request=None) -> bool:
    """Verify once; False when it already was (nothing written)."""
    refuse_own_account(actor=actor, owner_id=account.user_id, doing="verify an external account")
    moved = ExternalAccount.objects.filter(pk=account.pk, verified_at__isnull=True).update(
        verified_at=timezone.now(), verified_by=actor
    )
    if moved:
        audit_log(
            actor=actor,
            action="externalaccount.verify",
            entity=account,
            metadata={"uid": account.uid, "user_id": account.user_id},
            request=request,
        )
    return bool(moved)
