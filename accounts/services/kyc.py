from django.db import transaction
from django.utils import timezone

from ..emails import email_queue, payout_details_changed_email_queue
from ..models import KYC_FIELDS, SENSITIVE_KYC_FIELDS, User, UserKyc
from ..refusals import AccountRefused
from .audit import audit_log
from .own_account import refuse_own_account
from .transitions import transition

# Where bank transfers go: a change is told to the account holder by email.
PAYOUT_KYC_FIELDS = {"account_holder_name", "bank_name", "account_number", "ifsc_or_iban", "upi_id"}

# Staff decisions: a pending record is verified or rejected; a decision may be revised.
REVIEW_MOVES = {
    UserKyc.Status.VERIFIED: {UserKyc.Status.PENDING, UserKyc.Status.REJECTED},
    UserKyc.Status.REJECTED: {UserKyc.Status.PENDING, UserKyc.Status.VERIFIED},
}


def kyc_submit(*, user: User, data: dict) -> UserKyc:
    """Create or change the user's KYC. Any change goes back to staff review.

    A blank sensitive field keeps what is stored: the form never shows those values, so
    leaving one empty means "unchanged", not "erase"."""
    with transaction.atomic():
        kyc, created = UserKyc.objects.select_for_update().get_or_create(user=user)
        changed = []
        for name in KYC_FIELDS:
            if name not in data or (name in SENSITIVE_KYC_FIELDS and not data[name]):
                continue
            if getattr(kyc, name) != data[name]:
                setattr(kyc, name, data[name])
                changed.append(name)
        if not changed and not created:
            return kyc
        kyc.save()
        # New details need a new review, whatever the old ones' verdict was.
        transition(
            kyc,
            to=UserKyc.Status.PENDING,
            allowed_from=set(UserKyc.Status) - {UserKyc.Status.PENDING},
            actor=user,
            reason=f"Changed: {', '.join(changed)}.",
            updates={"reviewed_by": None, "reviewed_at": None},
        )
        audit_log(actor=user, action="kyc.submit", entity=kyc, metadata={"fields": changed})
        if set(changed) & PAYOUT_KYC_FIELDS:
            payout_details_changed_email_queue(user=user, where="bank transfers")
    return kyc


def kyc_review(*, kyc: UserKyc, status: str, actor: User, notes: str = "", request=None) -> bool:
    """Staff verify or reject a KYC record. False (and nothing written) if already there."""
    if status not in REVIEW_MOVES:
        raise AccountRefused("invalid_status", f"Unknown KYC decision {status!r}.")
    if status == UserKyc.Status.REJECTED and not notes.strip():
        raise AccountRefused("reason_required", "Say why the KYC is rejected: the user sees it.")
    # A verified record unlocks bank payouts and large withdrawals: another's call.
    refuse_own_account(actor=actor, owner_id=kyc.user_id, doing="review the KYC")
    now = timezone.now()
    with transaction.atomic():
        if not transition(
            kyc,
            to=status,
            allowed_from=REVIEW_MOVES[status],
            actor=actor,
            reason=notes,
            updates={"notes": notes, "reviewed_by": actor, "reviewed_at": now, "updated_at": now},
        ):
            return False
        kyc.refresh_from_db()
        audit_log(
            actor=actor,
            action=f"kyc.{'verify' if status == UserKyc.Status.VERIFIED else 'reject'}",
            entity=kyc.user,
            metadata={"kyc_id": kyc.pk, "notes": notes},
            request=request,
        )
        email_queue(to=kyc.user.email, template="kyc_reviewed", context={"kyc": kyc})
    return True
