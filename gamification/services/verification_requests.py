"""Deciding the verification requests shoppers send through the Telegram bot (`/verify
<uid>`): approving one verifies the shopper's ExternalAccount for the races, creating it
or moving it to the uid they asked about; rejecting one says why. Either way the shopper
is told (in-app, and on Telegram when they chose it)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import VerificationRequest
from accounts.services import audit_log
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Refusal
from support.models import Category
from support.services import notify

from ..models import ExternalAccount
from .external_accounts import PROVIDER, UidTaken

Status = VerificationRequest.Status


class NotPending(Conflict):
    code = "not_pending"


def _pending_locked(request_id: int) -> VerificationRequest:
    found = (
        VerificationRequest.objects.select_for_update()
        .select_related("user")
        .filter(pk=request_id)
        .first()
    )
    if found is None or found.status != Status.PENDING:
        raise NotPending(detail="This request was decided already.")
    return found


def verification_request_approve(*, verification, actor, request=None) -> bool:
    """Verify the shopper's partner-platform account as `verification.external_uid`."""
    refuse_own_account(actor=actor, owner_id=verification.user_id, doing="decide a verification")
    with transaction.atomic():
        found = _pending_locked(verification.pk)
        uid = found.external_uid
        holder = ExternalAccount.objects.filter(provider=PROVIDER, uid=uid).first()
        if holder is not None and holder.user_id != found.user_id:
            raise UidTaken(detail=f"{uid} is linked to another shopper.")
        now = timezone.now()
        account = ExternalAccount.objects.filter(user=found.user, provider=PROVIDER).first()
        previous = account.uid if account else None
        try:
            # Another shopper's request for this uid approved at the same moment passed the
            # check above too: the unique constraint decides, and the loser is refused.
            with transaction.atomic():
                if account is None:
                    account = ExternalAccount.objects.create(
                        user=found.user,
                        provider=PROVIDER,
                        uid=uid,
                        verified_at=now,
                        verified_by=actor,
                    )
                else:
                    account.uid, account.verified_at, account.verified_by = uid, now, actor
                    account.save(update_fields=["uid", "verified_at", "verified_by"])
        except IntegrityError as exc:
            raise UidTaken(detail=f"{uid} was just linked to another shopper.") from exc
        if previous is not None and previous != uid:
            audit_log(
                actor=actor,
                action="externalaccount.uid_change",
                entity=account,
                metadata={"old": previous, "new": uid},
                request=request,
            )
        _decide(found, Status.APPROVED, actor, "", request)
        notify(
            user=found.user,
            category=Category.REWARDS,
            title="Partner account verified",
            body=f"Your partner-platform account {uid} is verified: it now takes part in races.",
            url="/races/",
            key=f"verification-request:{found.pk}",
        )
    return True


def verification_request_reject(*, verification, actor, reason: str, request=None) -> bool:
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("reason_required", "Say why the request is rejected: the shopper is told.")
    refuse_own_account(actor=actor, owner_id=verification.user_id, doing="decide a verification")
    with transaction.atomic():
        found = _pending_locked(verification.pk)
        _decide(found, Status.REJECTED, actor, reason[:500], request)
        notify(
            user=found.user,
            category=Category.REWARDS,
            title="Partner account not verified",
            body=f"We could not verify {found.external_uid}: {reason}"[:500],
            url="/races/",
            key=f"verification-request:{found.pk}",
        )
    return True


def _decide(found: VerificationRequest, status: str, actor, reason: str, request) -> None:
    VerificationRequest.objects.filter(pk=found.pk).update(
        status=status, reason=reason, decided_by=actor, decided_at=timezone.now()
    )
    audit_log(
        actor=actor,
        action=f"verificationrequest.{status}",
        entity=found,
        metadata={"uid": found.external_uid, "user_id": found.user_id, "reason": reason},
        request=request,
    )
