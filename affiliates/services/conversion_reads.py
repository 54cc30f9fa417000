"""What recording a new conversion reads, in one statement: its goal, the partner (and
the partner's last login address, a fraud signal) and the partner's own rate for the
goal if staff set one. Three ORM queries cost more to compile than PostgreSQL spends
answering this one."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection

from accounts.models import User
from campaigns.models import Campaign, Goal
from config.fast_select import select_row

from ..models import Partner, PartnerGoalCommission


@dataclass(frozen=True)
class GoalAndPartner:
    goal: Goal
    partner: Partner
    partner_ip: str | None  # the partner's last login address
    own_rate: tuple[str, Decimal] | None  # (commission type, value) staff set for the partner


def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@cache
def _statement(by_code: bool) -> tuple[str, list]:
    goal_fields, partner_fields = _attnames(Goal), _attnames(Partner)
    rate = ("commission_type", "commission_value")
    tables = [m._meta.db_table for m in (Goal, Partner, User, PartnerGoalCommission)]
    selected = ", ".join(
        [f"g.{Goal._meta.get_field(n).column}" for n in goal_fields]
        + [f"p.{Partner._meta.get_field(n).column}" for n in partner_fields]
        + [f"u.{User._meta.get_field('last_login_ip').column}"]
        + [f"r.{n}" for n in rate]
    )
    which = "g.tracking_code = %s" if by_code else "g.is_default"
    sql = (
        f"SELECT {selected} FROM {tables[0]} g "  # noqa: S608 (names from the models)
        f"JOIN {tables[1]} p ON p.id = %s JOIN {tables[2]} u ON u.id = p.user_id "
        f"LEFT JOIN {tables[3]} r ON r.partner_id = p.id AND r.goal_id = g.id "
        f"WHERE g.campaign_id = %s AND g.status = %s AND {which} "
        "ORDER BY g.name, g.id LIMIT 1"  # the goals' own order, as .first() reads it
    )
    columns = (
        [(Goal, Goal._meta.get_field(n).name) for n in goal_fields]
        + [(Partner, Partner._meta.get_field(n).name) for n in partner_fields]
        + [(User, "last_login_ip")]
        + [(PartnerGoalCommission, n) for n in rate]
    )
    return sql, columns


def goal_and_partner(campaign: Campaign, code: str, partner_id: int) -> GoalAndPartner | None:
    """The active goal `code` names (the campaign's default if none) with the partner;
    None if there is no such goal."""
    sql, columns = _statement(bool(code))
    params = [partner_id, campaign.pk, Goal.Status.ACTIVE]
    if code:
        params.append(code.strip().upper())
    row = select_row(sql, params, columns)
    if row is None:
        return None
    n_goal, n_partner = len(_attnames(Goal)), len(_attnames(Partner))
    goal = Goal.from_db(connection.alias, _attnames(Goal), row[:n_goal])
    partner = Partner.from_db(
        connection.alias, _attnames(Partner), row[n_goal : n_goal + n_partner]
    )
    ip, kind, value = row[n_goal + n_partner :]
    return GoalAndPartner(goal, partner, ip, (kind, value) if kind is not None else None)
