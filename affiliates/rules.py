from decimal import Decimal

from campaigns.models import Goal
from config.money import money

from .models import Partner, PartnerGoalCommission


def commission_for(*, goal: Goal, partner: Partner, amount: Decimal) -> Decimal:
    """The partner's own rate for this goal if staff set one, else the goal's; a fixed
    amount or a percentage of the conversion's amount, rounded once."""
    rate = PartnerGoalCommission.objects.filter(partner=partner, goal=goal).first()
    own = (rate.commission_type, rate.commission_value) if rate else None
    return commission_at(goal=goal, own_rate=own, amount=amount)


def commission_at(*, goal: Goal, own_rate: tuple[str, Decimal] | None, amount: Decimal) -> Decimal:
    """commission_for, given the partner's own rate (type, value) already read."""
    kind, value = own_rate or (goal.commission_type, goal.commission_value)
    earned = amount * value / Decimal(100) if kind == Goal.CommissionType.PERCENTAGE else value
    return money(max(earned, Decimal(0)))
