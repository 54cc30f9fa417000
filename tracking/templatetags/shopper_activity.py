"""The shopper dashboard (a wallet page, and wallet never imports tracking) shows the
shopper's last 30 days of clicks and sales through this tag."""

from django import template

from ..selectors import shopper_recent_activity

register = template.Library()


@register.simple_tag
def recent_activity(user):
    return shopper_recent_activity(user=user)
