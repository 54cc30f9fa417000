"""A partner asks to be paid everything payable: one withdrawal through the same pipeline
as shoppers' (Finance approval, payout providers and batches, audit)."""

import json
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from config.errors import Refusal
from config.money import money
from wallet.models import Account, Withdrawal, WithdrawalMethod
from wallet.services.withdrawals import WithdrawalRefused, withdrawal_request

from ..models import Conversion, Partner


class PayoutRefused(Refusal):
    pass


def payable_balance(partner: Partner) -> Decimal:
    account = Account.objects.filter(
        owner_id=partner.user_id,  # not partner.user: the portal has the user already
        kind=Account.Kind.PARTNER_PAYABLE,
        currency=settings.PLATFORM_CURRENCY,
    ).first()
    return account.balance if account else Decimal("0.00")


def payout_minimum(partner: Partner, method: WithdrawalMethod | None = None) -> Decimal:
    """The highest of the platform's, the method's (the partner's own when none is
    given) and the campaigns' minimums."""
    if method is None and partner.payout_method:
        method = WithdrawalMethod.objects.filter(
            code=partner.payout_method, is_enabled=True
        ).first()
    campaigns = Conversion.objects.filter(
        partner=partner, credited_at__isnull=False, payout__isnull=True
    ).aggregate(m=Max("campaign__minimum_payout"))["m"]
    # money(): SQLite hands back MAX() of a decimal column without its two places.
    return money(
        max(settings.PARTNER_PAYOUT_MINIMUM, method.minimum_amount if method else 0, campaigns or 0)
    )


def partner_payout_request(*, partner: Partner) -> Withdrawal:
    """Everything payable, in one withdrawal that covers the commissions credited so far.

    Locks the partner's credited conversions, then their two commission accounts (domain
    rows first, accounts last, as the ledger asks): the balance read under the lock is
    the amount held, and the conversions marked are the ones that money came from.
    """
    if not partner.is_approved:
        raise PayoutRefused("partner_not_approved", "Your partner account is not approved.")
    if not partner.payout_method:
        raise PayoutRefused("no_payout_details", "Add your payout details first.")
    method = WithdrawalMethod.objects.filter(code=partner.payout_method, is_enabled=True).first()
    if method is None:
        raise PayoutRefused("method_unavailable", "Your payout method is not available now.")
    credited = Conversion.objects.filter(
        partner=partner,
        credited_at__isnull=False,
        payout__isnull=True,
        status=Conversion.Status.APPROVED,
    )
    with transaction.atomic():
        list(credited.select_for_update().order_by("pk").values_list("pk", flat=True))
        list(
            Account.objects.select_for_update()
            .filter(
                owner=partner.user,
                kind__in=[Account.Kind.PARTNER_PAYABLE, Account.Kind.PARTNER_HOLD],
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        balance = payable_balance(partner)
        minimum = payout_minimum(partner, method)
        if balance < minimum:
            raise PayoutRefused(
                "below_minimum",
                f"Payouts start at {method.currency} {minimum}; you have {balance}.",
            )
        if balance <= 0:  # every minimum is zero
            raise PayoutRefused("nothing_payable", "You have no payable commission yet.")
        try:
            # The shoppers' service, so partners meet the same gates (verified email, KYC
            # above the threshold, the method's minimum).
            withdrawal = withdrawal_request(
                user=partner.user,
                method_code=method.code,
                amount=balance,
                details=json.loads(partner.payout_details or "{}"),
                source=Withdrawal.Source.COMMISSION,
            )
        except WithdrawalRefused as exc:
            raise PayoutRefused(exc.code, exc.detail, exc.field) from exc
        credited.update(payout=withdrawal)
    return withdrawal
