"""Panels of the Rewards page that belong to other features (points, tiers): the page
places them with `{% points_panel user %}` and `{% tier_panel user %}`; each renders its
own template with its own data, so the page's view needs to know nothing about them."""

from django import template

register = template.Library()


@register.inclusion_tag("gamification/_points_panel.html")
def points_panel(user):
    return {"user": user}


@register.inclusion_tag("gamification/_tier_panel.html")
def tier_panel(user):
    return {"user": user}
