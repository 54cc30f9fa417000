"""Staff work on claims: sending ready ones to their network in batches, approving
(a pending cashback event through the wallet's cashback service), rejecting with a
reason, and Finance's goodwill credit when the network refuses.

Nobody decides or credits their own claim. Each move is a conditional UPDATE or a
locked row checked against the states it may leave, and every one is audited.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.services import audit_log
from accounts.services.own_account import refuse_own_account
from config.days import day_start
from config.errors import Conflict, Forbidden, Refusal
from wallet.models import Account, Transaction
from wallet.services.cashback import cashback_record
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account

from ..models import Category, ClaimBatch, MissingCashbackClaim, Ticket
from .claims import AlreadyTracked, claim_amount, network_sales
from .notify import notify

Status = MissingCashbackClaim.Status
DECIDABLE = (Status.READY, Status.SUBMITTED)
# A goodwill credit makes up for a claim the network would not pay.
GOODWILL_FROM = (Status.REJECTED, Status.SUBMITTED)
GOODWILL_PERMISSION = "support.goodwill_missingcashbackclaim"


class ClaimStateRefused(Conflict):
    code = "claim_not_decidable"


class GoodwillPaid(Conflict):
    code = "goodwill_already_paid"


class AboveOrder(Refusal):
    code = "amount_above_order"


def _resolve_ticket(claim, now) -> None:
    Ticket.objects.filter(pk=claim.ticket_id).exclude(
        status__in=(Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
    ).update(status=Ticket.Status.RESOLVED, resolved_at=now, updated_at=now)


def _locked(claim) -> MissingCashbackClaim:
    # The claim's row only: FOR UPDATE over the joins would also lock the merchant, which
    # every postback for that store takes a key-share lock on (deadlock with its ledger).
    return (
        MissingCashbackClaim.objects.select_for_update(of=("self",))
        .select_related("merchant", "network", "user")
        .get(pk=claim.pk)
    )


# --- batches --------------------------------------------------------------------------


def claims_batch(*, claims, actor, request=None) -> list[ClaimBatch]:
    """One batch per network of the ready claims among `claims`. A claim goes into a
    batch only if it is still ready when the UPDATE runs: two staff batching the same
    claims at once put each claim in exactly one batch (the other batch, left empty,
    is not kept)."""
    by_network: dict[int, list[int]] = defaultdict(list)
    for claim_id, network_id in (
        MissingCashbackClaim.objects.filter(pk__in=[c.pk for c in claims], status=Status.READY)
        .order_by("pk")
        .values_list("pk", "network_id")
    ):
        by_network[network_id].append(claim_id)
    batches = []
    now = timezone.now()
    for network_id, ids in sorted(by_network.items()):
        with transaction.atomic():
            batch = ClaimBatch.objects.create(network_id=network_id, created_by=actor)
            taken = MissingCashbackClaim.objects.filter(
                pk__in=ids, status=Status.READY, batch__isnull=True
            ).update(status=Status.SUBMITTED, batch=batch, submitted_at=now, updated_at=now)
            if not taken:
                batch.delete()
                continue
            batch.claim_count = taken
            batch.save(update_fields=["claim_count"])
            audit_log(
                actor=actor,
                action="support.claim_batch",
                entity=batch,
                metadata={"network": network_id, "claims": taken},
                request=request,
            )
        batches.append(batch)
    return batches


CSV_HEADER = (
    "claim_id",
    "click_id",
    "order_id",
    "order_date",
    "order_amount",
    "currency",
    "merchant",
    "shopper_id",
    "clicked_at",
)


def _cell(value) -> str:
    """A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a formula:
    such cells are sent with a leading apostrophe (OWASP's CSV injection advice)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def claim_batch_csv(batch: ClaimBatch) -> str:
    """The batch as the network reads it. The shopper is named by our user id (what the
    click-out sent the network as {user_id}), never by email."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for claim in batch.claims.select_related("merchant").order_by("pk"):
        writer.writerow(
            [
                _cell(value)
                for value in (
                    claim.pk,
                    claim.click_uuid,
                    claim.order_id,
                    claim.order_date.isoformat(),
                    claim.order_amount,
                    claim.currency,
                    claim.merchant.name,
                    claim.user_id,
                    timezone.localtime(claim.clicked_at).isoformat(timespec="seconds"),
                )
            ]
        )
    return out.getvalue()


# --- decisions ------------------------------------------------------------------------


def claim_approve(*, claim, actor, cashback, commission=None, request=None) -> MissingCashbackClaim:
    """Approve with the cashback staff entered: a pending cashback event (txn
    "claim:<id>") that then confirms like any other. Approving again changes nothing."""
    refuse_own_account(actor=actor, owner_id=claim.user_id, doing="decide a claim")
    cashback = claim_amount(cashback, field="cashback")
    commission = (
        cashback if commission in (None, "") else claim_amount(commission, field="commission")
    )
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status == Status.APPROVED:
            return claim
        if claim.status not in DECIDABLE:
            raise ClaimStateRefused(
                detail=f"Claim {claim.pk} is {claim.get_status_display().lower()}: only "
                "claims ready to send or sent can be approved."
            )
        # Cashback is a share of the sale: more than the order itself is a typo or a gift,
        # and a gift of money is Finance's (goodwill), not a claim decision's.
        for field, value in (("cashback", cashback), ("commission", commission)):
            if value > claim.order_amount:
                raise AboveOrder(
                    detail=f"The {field} ({value}) is more than the order amount "
                    f"({claim.order_amount}).",
                    field=field,
                )
        # A sent claim may have had Finance's goodwill credit: approving too pays twice.
        if Transaction.objects.filter(idempotency_key=goodwill_key(claim)).exists():
            raise GoodwillPaid(detail=f"Claim {claim.pk} was paid a goodwill credit already.")
        # The sale arrived before staff decided: it pays, and claims_advance closes the
        # claim. (One still in flight commits after this: claims_advance withdraws ours.)
        if network_sales(claim.click_uuid).exists():
            raise AlreadyTracked(
                detail=f"The store has reported the sale of claim {claim.pk}: it pays by itself."
            )
        event = cashback_record(
            user_id=claim.user_id,
            network=claim.network,
            merchant=claim.merchant,
            offer_id=None,
            click_uuid=claim.click_uuid,
            txn_id=f"claim:{claim.pk}",
            sale_amount=claim.order_amount,
            commission=commission,
            cashback=cashback,
            currency=claim.currency,
            network_status=None,
            sale_at=day_start(claim.order_date),
        ).event
        now = timezone.now()
        claim.status = Status.APPROVED
        claim.cashback_amount = cashback
        claim.cashback_event_id = event.pk
        claim.decided_by, claim.decided_at = actor, now
        claim.save(
            update_fields=[
                "status",
                "cashback_amount",
                "cashback_event_id",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        _resolve_ticket(claim, now)
        audit_log(
            actor=actor,
            action="support.claim_approve",
            entity=claim,
            metadata={"cashback": str(cashback), "commission": str(commission), "event": event.pk},
            request=request,
        )
        notify(
            user=claim.user,
            category=Category.CASHBACK,
            title=f"Your {claim.merchant.name} claim was approved",
            body=f"{claim.currency} {cashback} cashback is pending for order {claim.order_id}.",
            url=f"/support/claims/{claim.pk}/",
            key=f"claim-approved:{claim.pk}",
        )
    return claim


def claim_reject(*, claim, actor, reason: str, request=None) -> MissingCashbackClaim:
    """Reject with a reason the shopper reads."""
    refuse_own_account(actor=actor, owner_id=claim.user_id, doing="decide a claim")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Refusal("reason_required", "Say why: the shopper reads the reason.", "reason")
    if len(reason) > 500:
        raise Refusal("reason_too_long", "The reason is at most 500 characters.", "reason")
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status not in DECIDABLE:
            raise ClaimStateRefused(
                detail=f"Claim {claim.pk} is {claim.get_status_display().lower()}: only "
                "claims ready to send or sent can be rejected."
            )
        now = timezone.now()
        claim.status, claim.reason = Status.REJECTED, reason
        claim.decided_by, claim.decided_at = actor, now
        claim.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        _resolve_ticket(claim, now)
        audit_log(
            actor=actor,
            action="support.claim_reject",
            entity=claim,
            metadata={"reason": reason},
            request=request,
        )
        notify(
            user=claim.user,
            category=Category.CASHBACK,
            title=f"Your {claim.merchant.name} claim was rejected",
            body=reason,
            url=f"/support/claims/{claim.pk}/",
            key=f"claim-rejected:{claim.pk}",
        )
    return claim


def goodwill_key(claim) -> str:
    return f"claim-goodwill:{claim.pk}"


def claim_goodwill(*, claim, actor, amount, request=None) -> Decimal:
    """Finance pays the shopper `amount` from the platform's cashback expense to their
    available balance, once per claim (the ledger key decides, even at once)."""
    if actor is None or not actor.has_perm(GOODWILL_PERMISSION):
        raise Forbidden("not_allowed", "Only Finance may pay a goodwill credit.")
    refuse_own_account(actor=actor, owner_id=claim.user_id, doing="credit a claim")
    amount = claim_amount(amount, field="amount")
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status not in GOODWILL_FROM:
            raise ClaimStateRefused(
                detail=f"Claim {claim.pk} is {claim.get_status_display().lower()}: a goodwill "
                "credit is for claims the network refused (rejected or sent)."
            )
        if Transaction.objects.filter(idempotency_key=goodwill_key(claim)).exists():
            raise GoodwillPaid(detail=f"Claim {claim.pk} already had its goodwill credit.")
        ledger_post(
            kind="support.goodwill",
            idempotency_key=goodwill_key(claim),
            lines=transfer(
                platform_account(Account.Kind.CASHBACK_EXPENSE, claim.currency),
                user_account(claim.user_id, Account.Kind.AVAILABLE, claim.currency),
                amount,
            ),
            memo=f"Goodwill credit: {claim.merchant.name} order {claim.order_id}",
            reference=f"claim:{claim.pk}",
            actor=actor,
        )
        audit_log(
            actor=actor,
            action="support.claim_goodwill",
            entity=claim,
            metadata={"amount": str(amount)},
            request=request,
        )
        notify(
            user=claim.user,
            category=Category.CASHBACK,
            title="A goodwill credit for your claim",
            body=f"We added {claim.currency} {amount} to your balance for order "
            f"{claim.order_id} at {claim.merchant.name}.",
            url=f"/support/claims/{claim.pk}/",
            key=f"claim-goodwill:{claim.pk}",
        )
    return amount
