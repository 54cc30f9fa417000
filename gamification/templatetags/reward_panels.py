"""Panels of the Rewards page that belong to other features (points, tiers): the page
places them with `{% points_panel user %}` and `{% tier_panel user %}`; each renders its
own template with its own data, so the page's view needs to know nothing about them."""

import uuid

from django import template
from django.conf import settings

from ..services.points_history import points_summary, shown_actor
from ..services.redemption import points_value
from ..services.tiers import tier_status

register = template.Library()


@register.inclusion_tag("gamification/_points_panel.html", takes_context=True)
def points_panel(context, user):
    summary = points_summary(user=user, limit=10)
    return {
        "user": user,
        "balance": summary.balance,
        "lifetime": summary.lifetime,
        "activities": [(row, shown_actor(row)) for row in summary.activities],
        "worth": points_value(summary.balance),
        "currency": settings.PLATFORM_CURRENCY,
        "rate": settings.POINTS_PER_CURRENCY_UNIT,
        "minimum": settings.POINTS_REDEEM_MINIMUM,
        # One key per form shown: a double submit redeems once.
        "key": uuid.uuid4().hex,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("gamification/_tier_panel.html")
def tier_panel(user):
    return {"user": user, "status": tier_status(user=user), "currency": settings.PLATFORM_CURRENCY}
