"""Manual adjustments of a shopper's balance, with four eyes on the large ones.

One staff member asks (`adjustment_request`); up to ADJUSTMENT_SECOND_APPROVAL_ABOVE
(counting what the same staff member posted alone for that shopper in the last 24 hours)
it posts at once, above it a second staff member approves or rejects it. Nobody adjusts
their own balance, and the requester never approves its own request. Approval is a
conditional UPDATE from pending and the posting carries the request's key, so two
approvers at once (or one clicking twice) move the money once.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Forbidden, Refusal
from config.money import money

from ..models import Account, AdjustmentRequest
from .ledger import InsufficientFunds, ledger_post, platform_account, transfer, user_account

Status = AdjustmentRequest.Status
# How far back one staff member's own postings for a shopper add up towards the threshold.
FOUR_EYES_WINDOW = timedelta(hours=24)


class AdjustmentRefused(Refusal):
    pass


class AdjustmentConflict(AdjustmentRefused, Conflict):
    pass


class FourEyesRefused(AdjustmentRefused, Forbidden):
    code = "four_eyes"


def adjustment_request(
    *, user, amount: Decimal, reason: str, actor, idempotency_key: str, request=None
) -> AdjustmentRequest:
    """Ask to credit (amount > 0) or debit (amount < 0) `user`'s available balance.

    Posted at once when |amount| is within the threshold; otherwise left pending for a
    second staff member. Sending the same key again returns the first request.
    """
    amount = money(amount)
    if amount == 0:
        raise AdjustmentRefused("zero_amount", "The amount must not be zero.", "amount")
    if not reason.strip():
        raise AdjustmentRefused(
            "reason_required", "Say why: it shows on the shopper's statement.", "reason"
        )
    refuse_own_account(actor=actor, owner_id=user.pk, doing="adjust the balance")
    existing = AdjustmentRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            adjustment = AdjustmentRequest.objects.create(
                user=user,
                amount=amount,
                reason=reason.strip()[:255],
                requested_by=actor,
                idempotency_key=idempotency_key,
            )
            if not _needs_second_approval(user, amount, actor):
                _decide(adjustment, Status.APPROVED, actor=actor, request=request)
            else:
                audit_log(
                    actor=actor,
                    action="wallet.adjust_request",
                    entity=adjustment,
                    metadata={"user": user.pk, "amount": str(amount), "reason": reason},
                    request=request,
                )
    except IntegrityError:  # the same form sent twice at once: the first one won
        return AdjustmentRequest.objects.get(idempotency_key=idempotency_key)
    return adjustment


def _needs_second_approval(user, amount: Decimal, actor) -> bool:
    """Above the threshold, counting what `actor` alone posted for `user` in the window:
    otherwise ten adjustments of 100.00 would be 1,000.00 that nobody else saw. The
    shopper's row is locked so that two forms at once cannot both count the same past."""
    list(type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    alone = AdjustmentRequest.objects.filter(
        user=user,
        requested_by=actor,
        decided_by=actor,
        status=Status.APPROVED,
        created_at__gte=timezone.now() - FOUR_EYES_WINDOW,
    ).values_list("amount", flat=True)
    posted = sum((abs(posted) for posted in alone), Decimal(0))
    return posted + abs(amount) > settings.ADJUSTMENT_SECOND_APPROVAL_ABOVE


def _check_second_person(adjustment: AdjustmentRequest, actor, doing: str) -> None:
    refuse_own_account(actor=actor, owner_id=adjustment.user_id, doing=doing)
    if actor.pk == adjustment.requested_by_id:
        raise FourEyesRefused(
            "four_eyes", f"You asked for this adjustment: another staff member must {doing}."
        )


def adjustment_approve(*, adjustment: AdjustmentRequest, actor, request=None) -> bool:
    """A second staff member approves: the money moves. False if no longer pending."""
    _check_second_person(adjustment, actor, "approve it")
    with transaction.atomic():
        return _decide(adjustment, Status.APPROVED, actor=actor, request=request)


def adjustment_reject(*, adjustment: AdjustmentRequest, actor, reason: str, request=None) -> bool:
    """A second staff member says no: nothing moves. False if no longer pending."""
    if not reason.strip():
        raise AdjustmentRefused("reason_required", "Say why the adjustment is rejected.")
    _check_second_person(adjustment, actor, "reject it")
    with transaction.atomic():
        return _decide(adjustment, Status.REJECTED, actor=actor, note=reason, request=request)


def _decide(adjustment, status: str, *, actor, note: str = "", request=None) -> bool:
    """Move pending → `status` (the row lock makes a second decider wait, then find it
    decided) and, when approved, post the money in the same transaction."""
    now = timezone.now()
    if not transition(
        adjustment,
        to=status,
        allowed_from={Status.PENDING},
        actor=actor,
        reason=note,
        updates={"decided_by": actor, "decided_at": now, "decision_note": note[:500]},
    ):
        return False
    if status == Status.APPROVED:
        adjustment.transaction = _post(adjustment, actor)
        AdjustmentRequest.objects.filter(pk=adjustment.pk).update(
            transaction=adjustment.transaction
        )
    audit_log(
        actor=actor,
        action="wallet.adjust" if status == Status.APPROVED else "wallet.adjust_reject",
        entity=adjustment,
        metadata={
            "user": adjustment.user_id,
            "amount": str(adjustment.amount),
            "reason": adjustment.reason,
            "requested_by": adjustment.requested_by_id,
            "note": note,
        },
        request=request,
    )
    return True


def _post(adjustment: AdjustmentRequest, actor):
    amount = adjustment.amount
    available = user_account(adjustment.user_id, Account.Kind.AVAILABLE)
    adjustments = platform_account(Account.Kind.ADJUSTMENTS)
    lines = (
        transfer(adjustments, available, amount)
        if amount > 0
        else transfer(available, adjustments, -amount, guard=True)
    )
    try:
        posting = ledger_post(
            kind="adjustment.credit" if amount > 0 else "adjustment.debit",
            idempotency_key=f"adjustment:{adjustment.idempotency_key}",
            lines=lines,
            memo=f"Adjustment: {adjustment.reason}"[:255],
            reference=f"user:{adjustment.user_id}",
            actor=actor,
        )
    except InsufficientFunds as exc:
        raise AdjustmentConflict(
            "insufficient_funds",
            f"That would take the shopper below zero (available {exc.account.balance - amount}).",
        ) from exc
    return posting.transaction
