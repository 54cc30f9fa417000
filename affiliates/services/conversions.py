"""Conversions: an advertiser reports that a partner's click converted.

Recorded once per (campaign, txn_id); a later report about the same transaction is read by
its state (config/report_states.py), staff moves follow STATUS_MOVES. Commission comes
from the goal (or the partner's own rate), caps are checked under a lock on the campaign
row, and fraud signals put it on hold for review.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from campaigns.models import Campaign
from config.errors import Conflict, Forbidden, Refusal
from config.fast_insert import insert_instance
from config.money import check_amount_size
from config.report_states import Verdict, judge, refusal_detail
from wallet.models import Account
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account

from ..models import Conversion, Link, Partner
from ..rules import commission_at
from .conversion_reads import goal_and_partner
from .deliveries import deliveries_enqueue

Status = Conversion.Status

STATUS_MOVES = {
    Status.PENDING: {Status.APPROVED, Status.DECLINED},
    Status.APPROVED: {Status.DECLINED},
    Status.DECLINED: set(),
    Status.PAID: set(),
}


class ConversionRefused(Refusal):
    pass


class ConversionForbidden(ConversionRefused, Forbidden):
    pass


class ConversionConflict(ConversionRefused, Conflict):
    """The conversion's state (or its campaign's cap) does not allow this report."""


@dataclass(frozen=True)
class ClickFacts:
    """What a conversion needs to know about its click (tracking owns the clicks)."""

    click_uuid: uuid.UUID
    link_id: int
    partner_id: int
    campaign_id: int
    sub1: str
    sub2: str
    sub3: str
    ip: str | None
    clicked_at: datetime


@dataclass(frozen=True)
class ForeignAmount:
    """A sale reported in another currency: what the advertiser sent and the rate used."""

    currency: str
    amount: Decimal
    rate: Decimal


@dataclass(frozen=True)
class ConversionOutcome:
    conversion: Conversion
    created: bool
    changed: bool

    @property
    def duplicate(self) -> bool:
        return not self.created and not self.changed


def _no_such_goal(code: str) -> NoReturn:
    if code:
        raise ConversionRefused("unknown_goal", f"No active goal {code!r} in this campaign.")
    raise ConversionRefused("no_default_goal", "Name a goal: this campaign has no default.")


def _fraud_holds(
    partner: Partner, own_ip: str | None, click: ClickFacts, customer_ip: str | None, now
) -> list[str]:
    """own_ip: where the partner last logged in from."""
    holds = []
    if own_ip and own_ip in {click.ip, customer_ip}:
        holds.append("partner_own_ip")  # the partner converting through their own link
    if (now - click.clicked_at).total_seconds() < settings.AFFILIATE_MIN_SECONDS_TO_CONVERT:
        holds.append("too_fast")  # faster than a person completes a purchase
    if not partner.is_approved:
        holds.append("partner_not_approved")
    return holds


def _over_cap(campaign: Campaign, commission: Decimal, now) -> str:
    """Which cap this conversion would break ("" if none). The caller holds the lock."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    counted = Conversion.objects.filter(campaign=campaign).exclude(status=Status.DECLINED)
    for since, count_cap, payout_cap, period in (
        (day, campaign.daily_conversion_cap, campaign.daily_payout_cap, "daily"),
        (month, campaign.monthly_conversion_cap, campaign.monthly_payout_cap, "monthly"),
    ):
        if not (count_cap or payout_cap):
            continue
        totals = counted.filter(created_at__gte=since).aggregate(
            n=Count("pk"), paid=Sum("commission")
        )
        if count_cap and totals["n"] + 1 > count_cap:
            return f"{period} conversion cap of {count_cap}"
        if payout_cap and (totals["paid"] or 0) + commission > payout_cap:
            return f"{period} payout cap of {payout_cap}"
    return ""


def conversion_record(
    *,
    campaign: Campaign,
    click: ClickFacts,
    goal_code: str,
    txn_id: str,
    amount: Decimal,
    status: str | None,
    currency: str,
    customer_ip: str | None = None,
    converted_at: datetime | None = None,
    foreign: ForeignAmount | None = None,
    known: bool | None = None,
) -> ConversionOutcome:
    """Record an advertiser's report, once per (campaign, txn_id). `known`: whether the
    caller's read (outside this transaction) found the transaction recorded already; None
    if it did not look. False skips the look here: the INSERT's unique key still decides."""
    if click.campaign_id != campaign.pk:
        raise ConversionForbidden(
            "wrong_campaign", "The token is for another campaign than this click's."
        )
    reported, status = status, status or Status.PENDING  # None: no news about the status
    now = timezone.now()
    # A report about a transaction we know is a status update (or a repeat): it may come
    # weeks later, past the attribution window or after its goal was paused. Read outside
    # the transaction: a repeat writes nothing, and a move locks the row itself.
    if known is not False:
        # With its goal: the reply names it.
        existing = (
            Conversion.objects.select_related("goal")
            .filter(campaign=campaign, txn_id=txn_id)
            .first()
        )
        if existing is not None:
            return _report_again(existing, reported)
    with transaction.atomic():
        found = goal_and_partner(campaign, goal_code, click.partner_id)
        if found is None:
            _no_such_goal(goal_code)
        goal, partner = found.goal, found.partner
        days = campaign.attribution_window_days
        converted_at = converted_at or now
        if converted_at - click.clicked_at > timedelta(days=days):
            raise ConversionRefused(
                "outside_attribution_window",
                f"The click is older than the {days}-day window.",
            )
        commission = commission_at(goal=goal, own_rate=found.own_rate, amount=amount)
        # Credited later in batches: refused now rather than stopping a batch then.
        check_amount_size(commission, field="commission")
        holds = _fraud_holds(partner, found.partner_ip, click, customer_ip, now)
        if campaign.has_caps:
            # Serialise this campaign's conversions so two cannot both squeeze under a cap.
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            # A twin that held the lock before us may have recorded this very transaction:
            # ours is a repeat of it, not one more conversion over the cap.
            twin = Conversion.objects.filter(campaign=campaign, txn_id=txn_id).first()
            if twin is not None:
                return _report_again(twin, reported)
            # A sale reported already declined uses none of the cap.
            broken = "" if status == Status.DECLINED else _over_cap(campaign, commission, now)
            if broken and campaign.over_cap == Campaign.OverCap.REJECT:
                raise ConversionConflict("cap_reached", f"The campaign reached its {broken}.")
            if broken:
                holds.append("over_cap")
        approved = status == Status.APPROVED
        conversion = Conversion(
            partner=partner,
            campaign=campaign,
            goal=goal,
            link_id=click.link_id,
            click_uuid=click.click_uuid,
            clicked_at=click.clicked_at,
            txn_id=txn_id,
            amount=amount,
            commission=commission,
            currency=currency,
            converted_at=converted_at,
            original_currency=foreign.currency if foreign else "",
            original_amount=foreign.amount if foreign else None,
            fx_rate=foreign.rate if foreign else None,
            sub1=click.sub1,
            sub2=click.sub2,
            sub3=click.sub3,
            status=status,
            on_hold=bool(holds),
            hold_reasons=holds,
            reason="Reported declined." if status == Status.DECLINED else "",
            approved_at=now if approved else None,
            payable_at=now + timedelta(days=campaign.holding_days) if approved else None,
        )
        if not insert_instance(conversion, unless_conflict_on=("campaign", "txn_id")):
            # A concurrent twin won the unique index: this is a repeat of its report.
            return _report_again(Conversion.objects.get(campaign=campaign, txn_id=txn_id), reported)
        counted = status != Status.DECLINED
        Link.objects.filter(pk=click.link_id).update(
            conversions_count=F("conversions_count") + 1,
            earnings=F("earnings") + (commission if counted else 0),
        )
        deliveries_enqueue(conversion=conversion, event="created")
    return ConversionOutcome(conversion, created=True, changed=True)


def _report_again(conversion: Conversion, status: str | None) -> ConversionOutcome:
    """A later report about a known conversion, read by its state in the one table both
    postback kinds share (config/report_states.py). Reports arrive as our statuses, the
    advertiser's "rejected" and "reversed" both as declined: the table treats the two
    alike for a conversion (its one final state), so nothing is lost."""
    if status is None:
        return ConversionOutcome(conversion, created=False, changed=False)
    reported = "rejected" if status == Status.DECLINED else status
    cell = judge(conversion.status, reported)
    if cell.verdict == Verdict.DUPLICATE:
        return ConversionOutcome(conversion, created=False, changed=False)
    if cell.verdict == Verdict.REFUSE:
        raise ConversionConflict(
            "invalid_transition",
            refusal_detail(
                txn_id=conversion.txn_id, state=conversion.status, reported=reported, said=status
            ),
        )
    # APPROVE approves; REJECT and REVERSE decline (an approved commission already
    # credited is taken back there, unless it is in a payout: 409 in_payout).
    target = Status.APPROVED if cell.verdict == Verdict.APPROVE else Status.DECLINED
    moved = conversion_set_status(
        conversion=conversion, status=target, reason="Reported by the advertiser."
    )
    conversion.refresh_from_db()
    if not moved:
        # A concurrent report moved it first (statuses only go forward, so this ends):
        # judge this report against where the conversion is now.
        return _report_again(conversion, status)
    return ConversionOutcome(conversion, created=False, changed=True)


def conversion_set_status(
    *, conversion: Conversion, status: str, actor=None, reason: str = "", request=None
) -> bool:
    """Approve or decline (staff or the advertiser). False if the move does not apply."""
    refuse_own_account(actor=actor, owner_id=conversion.partner.user_id, doing="decide commission")
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Conversion.objects.select_for_update()
            .select_related("campaign", "partner")
            .get(pk=conversion.pk)
        )
        if status not in STATUS_MOVES[locked.status]:
            return False
        if locked.payout_id and status == Status.DECLINED:
            raise ConversionConflict("in_payout", "This commission is in a payout already.")
        previous = locked.status
        updates = {"updated_at": now}
        if status == Status.APPROVED:
            updates["approved_at"] = now
            updates["payable_at"] = now + timedelta(days=locked.campaign.holding_days)
        else:
            updates["reason"] = reason
        transition(
            locked,
            to=status,
            allowed_from={previous},
            actor=actor,
            reason=reason,
            updates=updates,
        )
        if status == Status.DECLINED:
            if locked.credited_at and locked.commission:
                _take_back(locked, reason)  # a zero commission was credited with no posting
            Link.objects.filter(pk=locked.link_id).update(
                earnings=F("earnings") - locked.commission
            )
        if actor is not None:
            audit_log(
                actor=actor,
                action=f"conversion.{status}",
                entity=locked,
                metadata={"from": previous, "reason": reason},
                request=request,
            )
        deliveries_enqueue(conversion=locked, event="status_changed")
    return True


def _take_back(conversion: Conversion, reason: str) -> None:
    """A declined commission that was already payable goes back (it may leave the
    partner's payable balance negative, repaid by later commissions)."""
    ledger_post(
        kind="commission.reverse",
        idempotency_key=f"conversion:{conversion.pk}:reverse",
        lines=transfer(
            user_account(
                conversion.partner.user_id, Account.Kind.PARTNER_PAYABLE, conversion.currency
            ),
            platform_account(Account.Kind.AFFILIATE_COMMISSION_EXPENSE, conversion.currency),
            conversion.commission,
        ),
        memo=f"Commission declined: {reason}"[:255],
        reference=conversion.ledger_reference,
    )


def conversion_release_hold(*, conversion: Conversion, actor, request=None) -> bool:
    """Staff reviewed a held conversion and let it through."""
    refuse_own_account(actor=actor, owner_id=conversion.partner.user_id, doing="release commission")
    with transaction.atomic():
        released = Conversion.objects.filter(pk=conversion.pk, on_hold=True).update(
            on_hold=False, updated_at=timezone.now()
        )
        if released:
            audit_log(
                actor=actor,
                action="conversion.release_hold",
                entity=conversion,
                metadata={"reasons": conversion.hold_reasons},
                request=request,
            )
    return bool(released)
