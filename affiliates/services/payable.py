"""Approved commission becomes payable once the campaign's holding period has passed."""

from django.db import transaction
from django.utils import timezone

from wallet.models import Account
from wallet.services.ledger import (
    PostingRequest,
    ledger_post_many,
    platform_account,
    transfer,
    user_account,
)

from ..models import Conversion


def commissions_make_payable(*, now=None, batch_size: int = 500) -> int:
    """Credit due commissions to partners' payable accounts, batch by batch (claimed with
    SKIP LOCKED; each batch one transaction; rerunnable: keys stop double credit)."""
    now = now or timezone.now()
    credited = 0
    while True:
        with transaction.atomic():
            due = list(
                Conversion.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status=Conversion.Status.APPROVED,
                    on_hold=False,
                    credited_at__isnull=True,
                    payable_at__lte=now,
                )
                .select_related("partner")
                .order_by("pk")[:batch_size]
            )
            if not due:
                return credited
            Conversion.objects.filter(pk__in=[c.pk for c in due]).update(credited_at=now)
            ledger_post_many(
                [
                    PostingRequest(
                        kind="commission.payable",
                        idempotency_key=f"conversion:{c.pk}:payable",
                        lines=transfer(
                            platform_account(Account.Kind.AFFILIATE_COMMISSION_EXPENSE, c.currency),
                            user_account(
                                c.partner.user_id, Account.Kind.PARTNER_PAYABLE, c.currency
                            ),
                            c.commission,
                        ),
                        memo=f"Commission {c.txn_id}",
                        reference=c.ledger_reference,
                    )
                    for c in due
                    if c.commission
                ]
            )
            credited += len(due)
