"""Withdrawals: requested by the shopper, reviewed by Finance, paid by a provider.

pending → approved → processing → completed; rejected (from pending or approved),
cancelled (by the shopper, while pending) and failed (by the provider) return the funds.
Every move is a conditional UPDATE from the statuses it may start from, so a double
click or two staff members acting at once move a withdrawal once.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.emails import payout_details_changed_email_queue
from accounts.models import UserKyc
from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from accounts.services.reauth import password_recheck
from config.errors import Refusal
from config.money import money

from ..models import Account, CashbackEvent, Withdrawal, WithdrawalMethod
from ..signals import withdrawal_settled, withdrawal_status_changed
from .ledger import InsufficientFunds, ledger_post, platform_account, transfer, user_account

Status = Withdrawal.Status

# Which of the person's accounts a withdrawal spends from and holds in.
ACCOUNTS = {
    Withdrawal.Source.CASHBACK: (Account.Kind.AVAILABLE, Account.Kind.HOLD),
    Withdrawal.Source.COMMISSION: (Account.Kind.PARTNER_PAYABLE, Account.Kind.PARTNER_HOLD),
}

MOVES = {
    "approve": ({Status.PENDING}, Status.APPROVED),
    "reject": ({Status.PENDING, Status.APPROVED}, Status.REJECTED),
    "cancel": ({Status.PENDING}, Status.CANCELLED),
    "process": ({Status.APPROVED}, Status.PROCESSING),
    "complete": ({Status.PROCESSING}, Status.COMPLETED),
    "fail": ({Status.PROCESSING}, Status.FAILED),
}

_UPI = re.compile(r"^[\w.\-]{2,256}@[A-Za-z]{2,64}$")
_CRYPTO_ADDRESS = re.compile(r"^[A-Za-z0-9]{26,64}$")
CRYPTO_NETWORKS = ("TRC20", "ERC20", "POLYGON")


class WithdrawalRefused(Refusal):
    pass


@dataclass(frozen=True)
class DetailField:
    name: str
    label: str


# What each method asks for. A bank transfer pays the verified KYC bank account.
METHOD_FIELDS = {
    WithdrawalMethod.Code.PAYPAL: [DetailField("paypal_email", "PayPal email")],
    WithdrawalMethod.Code.BANK: [],
    WithdrawalMethod.Code.UPI: [DetailField("upi_id", "UPI id")],
    WithdrawalMethod.Code.GIFT_CARD: [DetailField("gift_card_brand", "Gift card brand")],
    WithdrawalMethod.Code.CRYPTO: [
        DetailField("crypto_network", "Network"),
        DetailField("crypto_address", "Wallet address"),
    ],
}


def _details(method: WithdrawalMethod, given: dict, kyc: UserKyc | None) -> dict:
    """The payout details for `method`, checked; raises WithdrawalRefused."""
    details = {}
    for field in METHOD_FIELDS[method.code]:
        value = str(given.get(field.name) or "").strip()
        if not value:
            raise WithdrawalRefused("missing_detail", f"{field.label} is required.", field.name)
        details[field.name] = value
    if method.code == WithdrawalMethod.Code.PAYPAL:
        try:
            validate_email(details["paypal_email"])
        except ValidationError as exc:
            raise WithdrawalRefused(
                "invalid_detail", "Enter a valid PayPal email address.", "paypal_email"
            ) from exc
        details["paypal_email"] = details["paypal_email"].lower()
    elif method.code == WithdrawalMethod.Code.UPI and not _UPI.match(details["upi_id"]):
        raise WithdrawalRefused("invalid_detail", "Enter a UPI id like name@bank.", "upi_id")
    elif method.code == WithdrawalMethod.Code.CRYPTO:
        if details["crypto_network"].upper() not in CRYPTO_NETWORKS:
            raise WithdrawalRefused(
                "invalid_detail",
                f"The network must be one of {', '.join(CRYPTO_NETWORKS)}.",
                "crypto_network",
            )
        details["crypto_network"] = details["crypto_network"].upper()
        if not _CRYPTO_ADDRESS.match(details["crypto_address"]):
            raise WithdrawalRefused(
                "invalid_detail", "That wallet address does not look valid.", "crypto_address"
            )
    elif method.code == WithdrawalMethod.Code.BANK:
        if kyc is None or not kyc.is_verified or not (kyc.account_number and kyc.ifsc_or_iban):
            raise WithdrawalRefused(
                "kyc_required", "Bank transfers go to your verified bank details: add them first."
            )
        details = {
            "account_holder": kyc.account_holder_name,
            "bank_name": kyc.bank_name,
            "account_number": kyc.account_number,
            "ifsc_or_iban": kyc.ifsc_or_iban,
        }
    return details


def _last_details(user, method) -> dict | None:
    last = Withdrawal.objects.filter(user=user, method=method).order_by("-pk").first()
    return json.loads(last.payout_details) if last else None


def withdrawal_request(
    *,
    user,
    method_code: str,
    amount: Decimal,
    details: dict,
    password: str | None = None,
    source: str = Withdrawal.Source.CASHBACK,
    request=None,
) -> Withdrawal:
    """Ask for a payout: a shopper's cashback or a partner's commission, through the same
    gates (verified email, the method's minimum, KYC above the threshold). The amount
    moves to hold in the same transaction as the request, under a guard, so simultaneous
    requests can never overdraw."""
    if not user.email_verified:
        raise WithdrawalRefused(
            "email_not_verified", "Verify your email address before you withdraw."
        )
    if source == Withdrawal.Source.CASHBACK:
        _refuse_bonus_only(user)
    method = WithdrawalMethod.objects.filter(code=method_code, is_enabled=True).first()
    if method is None:
        raise WithdrawalRefused("method_unavailable", "That way of withdrawing is not available.")
    amount = money(amount)
    if amount < method.minimum_amount:
        raise WithdrawalRefused(
            "below_minimum",
            f"The minimum for {method.name} is {method.currency} {method.minimum_amount}.",
            "amount",
        )
    kyc = UserKyc.objects.filter(user=user).first()
    if amount > settings.WITHDRAWAL_KYC_THRESHOLD and not (kyc and kyc.is_verified):
        raise WithdrawalRefused(
            "kyc_required",
            f"Withdrawals above {method.currency} {settings.WITHDRAWAL_KYC_THRESHOLD} need "
            "verified payout details (KYC).",
        )
    if source == Withdrawal.Source.COMMISSION:
        # A partner's details were checked, with its password, when saved
        # (partner_set_payout), and it was told then by email.
        return _open(user=user, method=method, amount=amount, details=details, source=source)
    payout_details = _details(method, details, kyc)
    new_details = bool(METHOD_FIELDS[method.code]) and payout_details != _last_details(user, method)
    if new_details:  # make sure it is the account holder asking
        password_recheck(user=user, password=password, purpose="withdrawal", request=request)
    withdrawal = _open(
        user=user, method=method, amount=amount, details=payout_details, source=source
    )
    if new_details:
        payout_details_changed_email_queue(user=user, where=f"{method.name} withdrawals")
    return withdrawal


def _refuse_bonus_only(user) -> None:
    """Bonuses (daily claims, codes, prizes) land in the same available balance as
    cashback; paying them out before the shopper ever bought anything would make sign-up
    farms profitable, so the first confirmed cashback unlocks withdrawals."""
    if not settings.BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK:
        return
    if not CashbackEvent.objects.filter(user=user, status=CashbackEvent.Status.CONFIRMED).exists():
        raise WithdrawalRefused(
            "bonus_not_withdrawable",
            "Bonus money becomes withdrawable after your first confirmed cashback.",
        )


def _open(*, user, method, amount: Decimal, details: dict, source: str) -> Withdrawal:
    """Create the withdrawal and hold its amount, in one transaction, under a guard."""
    fee = method.fee_for(amount)
    if fee >= amount:
        raise WithdrawalRefused("fee_exceeds_amount", "The fee would take all of it.", "amount")
    spendable, held = ACCOUNTS[source]
    try:
        with transaction.atomic():
            withdrawal = Withdrawal.objects.create(
                user=user,
                source=source,
                method=method,
                amount=amount,
                fee=fee,
                net_amount=amount - fee,
                currency=method.currency,
                payout_details=json.dumps(details, sort_keys=True),
            )
            ledger_post(
                kind="withdrawal.hold",
                idempotency_key=f"withdrawal:{withdrawal.pk}:hold",
                lines=transfer(
                    user_account(user, spendable, method.currency),
                    user_account(user, held, method.currency),
                    amount,
                    guard=True,
                ),
                memo=f"Withdrawal #{withdrawal.pk} via {method.name}",
                reference=withdrawal.ledger_reference,
                actor=user,
            )
    except InsufficientFunds as exc:
        balance = exc.account.balance + amount  # what it was before this request
        raise WithdrawalRefused(
            "insufficient_funds",
            f"You can withdraw at most {method.currency} {max(balance, Decimal('0.00'))}.",
            "amount",
        ) from exc
    return withdrawal


def _move(withdrawal: Withdrawal, move: str, *, actor=None, reason: str = "", **stamps) -> bool:
    allowed, target = MOVES[move]
    now = timezone.now()
    fields = {"updated_at": now, **dict.fromkeys(stamps, now)}
    if reason:
        fields["reason"] = reason
    if actor is not None and move in ("approve", "reject"):
        fields.update(reviewed_by=actor, reviewed_at=now)
    pk = withdrawal.pk
    return transition(
        withdrawal,
        to=target,
        allowed_from=allowed,
        actor=actor,
        reason=reason,
        updates=fields,
        on_commit=lambda: withdrawal_status_changed.send(
            Withdrawal, withdrawal_id=pk, status=target
        ),
    )


def _return_funds(withdrawal: Withdrawal, why: str, actor=None) -> None:
    spendable, held = ACCOUNTS[withdrawal.source]
    ledger_post(
        kind="withdrawal.return",
        idempotency_key=f"withdrawal:{withdrawal.pk}:return",
        lines=transfer(
            user_account(withdrawal.user_id, held, withdrawal.currency),
            user_account(withdrawal.user_id, spendable, withdrawal.currency),
            withdrawal.amount,
        ),
        memo=f"Withdrawal #{withdrawal.pk} {why}",
        reference=withdrawal.ledger_reference,
        actor=actor,
    )
    withdrawal_settled.send(Withdrawal, withdrawal=withdrawal, status=withdrawal.status)


def withdrawal_cancel(*, withdrawal: Withdrawal, user) -> bool:
    """The shopper changes their mind while it is still pending."""
    if withdrawal.user_id != user.pk:
        raise WithdrawalRefused("not_found", "No such withdrawal.")
    with transaction.atomic():
        if not _move(withdrawal, "cancel"):
            return False
        _return_funds(withdrawal, "cancelled", actor=user)
    return True


def withdrawal_approve(*, withdrawal: Withdrawal, actor, note: str = "", request=None) -> bool:
    refuse_own_account(actor=actor, owner_id=withdrawal.user_id, doing="approve a withdrawal")
    with transaction.atomic():
        if not _move(withdrawal, "approve", actor=actor):
            return False
        audit_log(
            actor=actor,
            action="withdrawal.approve",
            entity=withdrawal,
            metadata={"amount": str(withdrawal.amount), "note": note},
            request=request,
        )
    return True


def withdrawal_reject(*, withdrawal: Withdrawal, actor, reason: str, request=None) -> bool:
    if not reason.strip():
        raise WithdrawalRefused("reason_required", "Say why: the shopper will read it.")
    refuse_own_account(actor=actor, owner_id=withdrawal.user_id, doing="reject a withdrawal")
    with transaction.atomic():
        if not _move(withdrawal, "reject", actor=actor, reason=reason):
            return False
        _return_funds(withdrawal, "rejected", actor=actor)
        audit_log(
            actor=actor,
            action="withdrawal.reject",
            entity=withdrawal,
            metadata={"amount": str(withdrawal.amount), "reason": reason},
            request=request,
        )
    return True


def withdrawal_complete(*, withdrawal: Withdrawal, actor=None) -> bool:
    """The provider paid: the held funds leave (net to the payout, fee to revenue)."""
    hold = user_account(withdrawal.user_id, ACCOUNTS[withdrawal.source][1], withdrawal.currency)
    with transaction.atomic():
        if not _move(withdrawal, "complete", completed_at=True):
            return False
        ledger_post(
            kind="withdrawal.paid",
            idempotency_key=f"withdrawal:{withdrawal.pk}:paid",
            lines=[
                *transfer(
                    hold,
                    platform_account(Account.Kind.PAYOUT_CLEARING, withdrawal.currency),
                    withdrawal.net_amount,
                ),
                *transfer(
                    hold,
                    platform_account(Account.Kind.FEE_REVENUE, withdrawal.currency),
                    withdrawal.fee,
                ),
            ],
            memo=f"Withdrawal #{withdrawal.pk} paid",
            reference=withdrawal.ledger_reference,
            actor=actor,
        )
        withdrawal_settled.send(Withdrawal, withdrawal=withdrawal, status=withdrawal.status)
    return True


def withdrawal_fail(*, withdrawal: Withdrawal, reason: str, actor=None) -> bool:
    """The provider could not pay: the funds go back to the shopper's available balance."""
    with transaction.atomic():
        if not _move(withdrawal, "fail", reason=reason):
            return False
        _return_funds(withdrawal, "failed", actor=actor)
    return True
