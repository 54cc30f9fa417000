"""process_payouts: approved withdrawals → batches → providers → completed or failed.

1. Claim approved withdrawals (locked, approved → processing) into a PayoutBatch per
   provider, in one transaction.
2. After commit, hand each not-yet-accepted batch to its provider. A network error
   leaves the batch to be sent again next run with the same sender_batch_id, which the
   provider will not pay twice.
3. Ask polling providers how their batches went, and settle each payout.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import audit_log, transition, transition_claimed
from accounts.services.own_account import refuse_own_account
from config.errors import Refusal

from ..models import Payout, PayoutBatch, Withdrawal, WithdrawalMethod
from ..payouts.base import ItemResult, PayoutProvider
from ..payouts.manual import ManualProvider
from ..payouts.paypal import PayPalProvider
from .withdrawals import withdrawal_complete, withdrawal_fail

MAX_SUBMIT_ATTEMPTS = 10


class PayoutRefused(Refusal):
    pass


def provider_name_for(method_code: str) -> str:
    if method_code == WithdrawalMethod.Code.PAYPAL and settings.PAYPAL_CLIENT_ID:
        return "paypal"
    return "manual"


def get_provider(name: str) -> PayoutProvider:
    return {"manual": ManualProvider, "paypal": PayPalProvider}[name]()


@dataclass
class PayoutReport:
    batches: int = 0
    submitted: int = 0
    paid: int = 0
    failed: int = 0


def payouts_process(*, batch_size: int = 100, providers=get_provider) -> PayoutReport:
    report = PayoutReport()
    while batch := _claim_batch(batch_size):
        report.batches += 1
    for batch in PayoutBatch.objects.filter(status=PayoutBatch.Status.CREATED).order_by("pk"):
        report.submitted += _submit(batch, providers(batch.provider))
    for batch in PayoutBatch.objects.filter(status=PayoutBatch.Status.SUBMITTED).order_by("pk"):
        provider = providers(batch.provider)
        if provider.polls:
            paid, failed = _settle(batch, provider.poll(batch, _pending(batch)))
            report.paid += paid
            report.failed += failed
    return report


def _claim_batch(size: int) -> PayoutBatch | None:
    with transaction.atomic():
        approved = list(
            Withdrawal.objects.select_for_update(skip_locked=True)
            .filter(status=Withdrawal.Status.APPROVED)
            .select_related("method")
            .order_by("pk")[:size]
        )
        if not approved:
            return None
        groups: dict[tuple[str, str], list[Withdrawal]] = defaultdict(list)
        for withdrawal in approved:
            groups[(provider_name_for(withdrawal.method.code), withdrawal.currency)].append(
                withdrawal
            )
        (provider, currency), withdrawals = next(iter(groups.items()))
        batch = PayoutBatch.objects.create(
            provider=provider,
            currency=currency,
            sender_batch_id=f"pending-{timezone.now().timestamp()}",
            total=sum(w.net_amount for w in withdrawals),
        )
        batch.sender_batch_id = f"SB{batch.pk:08d}"
        batch.save(update_fields=["sender_batch_id"])
        now = timezone.now()
        transition_claimed(
            Withdrawal,
            [w.pk for w in withdrawals],
            was=Withdrawal.Status.APPROVED,
            to=Withdrawal.Status.PROCESSING,
            reason=f"In payout batch {batch.sender_batch_id}.",
            updates={"processed_at": now, "updated_at": now},
        )
        Payout.objects.bulk_create(
            [Payout(withdrawal=w, batch=batch, amount=w.net_amount) for w in withdrawals]
        )
    return batch


def _pending(batch: PayoutBatch) -> list[Payout]:
    return list(
        batch.payouts.filter(status=Payout.Status.PENDING)
        .select_related("withdrawal__user", "withdrawal__method")
        .order_by("withdrawal_id")
    )


def _submit(batch: PayoutBatch, provider: PayoutProvider) -> int:
    result = provider.submit(batch, _pending(batch))  # outside any transaction: network I/O
    batch.attempts += 1
    target = None
    if result.accepted:
        target = PayoutBatch.Status.SUBMITTED
        batch.provider_reference = result.reference
        batch.submitted_at = timezone.now()
        batch.last_error = ""
    else:
        batch.last_error = result.error
        if not result.retry or batch.attempts >= MAX_SUBMIT_ATTEMPTS:
            target = PayoutBatch.Status.NEEDS_REVIEW
    with transaction.atomic():
        batch.save(update_fields=["attempts", "provider_reference", "submitted_at", "last_error"])
        if target is not None:
            transition(
                batch,
                to=target,
                allowed_from={PayoutBatch.Status.CREATED},
                reason=result.error or f"Accepted as {result.reference}.",
            )
    return int(result.accepted)


def _settle(batch: PayoutBatch, results: list[ItemResult]) -> tuple[int, int]:
    payouts = {p.withdrawal_id: p for p in _pending(batch)}
    paid = failed = 0
    for result in results:
        payout = payouts.get(result.withdrawal_id)
        if payout is None or result.outcome == "pending":
            continue
        if result.outcome == "paid":
            paid += payout_mark_paid(
                payout=payout, reference=result.reference, provider_status=result.provider_status
            )
        else:
            failed += payout_mark_failed(
                payout=payout, reason=result.reason, provider_status=result.provider_status
            )
    return paid, failed


def _close_if_done(batch: PayoutBatch) -> None:
    if not batch.payouts.filter(status=Payout.Status.PENDING).exists():
        transition(
            batch,
            to=PayoutBatch.Status.COMPLETED,
            allowed_from=set(PayoutBatch.Status) - {PayoutBatch.Status.COMPLETED},
            reason="Every payout in it is settled.",
            updates={"completed_at": timezone.now()},
        )


def payout_mark_paid(
    *, payout: Payout, reference: str, actor=None, provider_status="", request=None
) -> bool:
    refuse_own_account(actor=actor, owner_id=payout.withdrawal.user_id, doing="mark a payout paid")
    with transaction.atomic():
        if not transition(
            payout,
            to=Payout.Status.PAID,
            allowed_from={Payout.Status.PENDING},
            actor=actor,
            reason=f"Paid: {reference}",
            updates={"provider_reference": reference[:100], "provider_status": provider_status},
        ):
            return False
        withdrawal_complete(withdrawal=payout.withdrawal, actor=actor)
        if actor is not None:
            audit_log(
                actor=actor,
                action="payout.mark_paid",
                entity=payout.withdrawal,
                metadata={"reference": reference},
                request=request,
            )
        _close_if_done(payout.batch)
    return True


def payout_mark_failed(
    *, payout: Payout, reason: str, actor=None, provider_status="", request=None
) -> bool:
    refuse_own_account(
        actor=actor, owner_id=payout.withdrawal.user_id, doing="mark a payout failed"
    )
    with transaction.atomic():
        if not transition(
            payout,
            to=Payout.Status.FAILED,
            allowed_from={Payout.Status.PENDING},
            actor=actor,
            reason=reason,
            updates={"provider_status": provider_status},
        ):
            return False
        withdrawal_fail(withdrawal=payout.withdrawal, reason=reason, actor=actor)
        if actor is not None:
            audit_log(
                actor=actor,
                action="payout.mark_failed",
                entity=payout.withdrawal,
                metadata={"reason": reason},
                request=request,
            )
        _close_if_done(payout.batch)
    return True


def payout_batch_mark_paid(*, batch: PayoutBatch, reference: str, actor, request=None) -> int:
    """Staff paid a manual batch (one bank file, one reference): every pending payout in
    it completes."""
    if not reference.strip():
        raise PayoutRefused("reference_required", "Give the bank's reference for this payment.")
    payouts = _pending(batch)
    for payout in payouts:  # the whole batch or nothing: one bank payment covers it all
        refuse_own_account(
            actor=actor, owner_id=payout.withdrawal.user_id, doing="mark a batch paid"
        )
    with transaction.atomic():
        paid = sum(
            payout_mark_paid(payout=payout, reference=reference, actor=actor, request=request)
            for payout in payouts
        )
        audit_log(
            actor=actor,
            action="payout_batch.mark_paid",
            entity=batch,
            metadata={"reference": reference, "paid": paid},
            request=request,
        )
    return paid
